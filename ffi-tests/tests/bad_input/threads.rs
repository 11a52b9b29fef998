//! Rows of hpk_set_num_threads.

use super::*;

pub(crate) fn thread_rows(t: &mut Table) {
    let e = THREADS;
    let set = |n: usize| unsafe { (hpk().set_num_threads)(n) };
    let get = || unsafe { (hpk().get_num_threads)() };
    let too_many = [
        1025,
        1026,
        1100,
        2048,
        4096,
        65_536,
        1 << 20,
        u32::MAX as usize,
        1 << 32,
        1 << 40,
        isize::MAX as usize,
        (isize::MAX as usize) + 1,
        usize::MAX - 1,
        usize::MAX,
    ];
    for prior in [1usize, 3] {
        for n in too_many {
            t.add(e, format!("{n} threads (setting {prior} before)"), HPK_ERR_INVALID_ARGUMENT, move |_| {
                assert_eq!(set(prior), HPK_OK);
                set(n)
            })
            .check(move |_| same("the setting after a rejected count", get(), prior))
            .sets_threads = true;
        }
    }
    for n in [1usize, 2, 1023, 1024] {
        t.add(e, format!("valid: {n} threads"), HPK_OK, move |_| set(n))
            .check(move |_| same("get_num_threads", get(), n))
            .sets_threads = true;
    }
    t.add(e, "valid: 0 restores the automatic count", HPK_OK, move |_| {
        assert_eq!(set(7), HPK_OK);
        set(0)
    })
    .check(move |_| {
        let from_env =
            std::env::var("HPK_NUM_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0);
        let want = from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).min(1024);
        same("get_num_threads after 0", get(), want)
    })
    .sets_threads = true;
}
