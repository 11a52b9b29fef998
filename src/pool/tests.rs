//! Tests of the pool and of `Par`.

use super::*;

#[test]
fn par_bands_and_chunks_cover_the_data_once_on_every_kind_of_par() {
    let check = |par: Par<'_>| {
        for len in [1usize, 2, 3, 7, 64, 1000] {
            for unit in [1usize, 3] {
                let mut data = vec![usize::MAX; len * unit];
                par.bands(&mut data, unit, |k, first, band| {
                    assert!(k < par.threads());
                    for (i, x) in band.iter_mut().enumerate() {
                        assert_eq!(*x, usize::MAX);
                        *x = first * unit + i;
                    }
                });
                assert!(data.iter().enumerate().all(|(i, &x)| i == x), "bands {len} x {unit}");
            }
            for chunk in [1usize, 5, 64, 2000] {
                let mut data = vec![usize::MAX; len];
                par.chunks(&mut data, chunk, |k, c| {
                    assert!(c.len() <= chunk && (c.len() == chunk || k == len.div_ceil(chunk) - 1));
                    for (i, x) in c.iter_mut().enumerate() {
                        assert_eq!(*x, usize::MAX);
                        *x = k * chunk + i;
                    }
                });
                assert!(data.iter().enumerate().all(|(i, &x)| i == x), "chunks {len} by {chunk}");
            }
        }
        let hits: Vec<AtomicUsize> = (0..par.threads()).map(|_| AtomicUsize::new(0)).collect();
        par.broadcast(par.threads(), |w| {
            hits[w].fetch_add(1, Ordering::Relaxed);
        });
        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
    };
    check(Par::serial());
    for threads in [2, 3] {
        with_private_team(threads, check);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| check(Par::on_pool(threads)));
    }
}

// One test owns the global setting, so parallel tests don't race on it.
#[test]
fn thread_count_setting_is_applied_and_bounded() {
    set_num_threads(3).unwrap();
    assert_eq!(num_threads(), 3);
    let seen = install(|t| (t, rayon::current_num_threads())).unwrap();
    assert_eq!(seen, (3, 3));
    let on_pool_thread = install(|_| std::thread::current().name().map(str::to_owned)).unwrap();
    assert!(on_pool_thread.unwrap().starts_with("hpkern-"));

    set_num_threads(1).unwrap();
    let caller = std::thread::current().id();
    assert_eq!(install(|t| (t, std::thread::current().id())).unwrap(), (1, caller));

    assert!(matches!(set_num_threads(MAX_THREADS + 1), Err(Error::InvalidArgument(_))));
    assert_eq!(num_threads(), 1, "a refused setting leaves the old one");

    // One thread: chunks run in order on the caller, never on rayon's global pool.
    let mut seen = vec![None; 10];
    install(|t| for_each_chunk_mut(t, &mut seen, 3, |k, c| c.fill(Some((k, std::thread::current().id()))))).unwrap();
    let expected: Vec<_> = (0..10).map(|i| Some((i / 3, caller))).collect();
    assert_eq!(seen, expected);

    set_num_threads(0).unwrap();
    assert_eq!(num_threads(), automatic_threads());
    assert!(num_threads() >= 1);
}

#[test]
fn par_bands_lets_a_free_thread_take_the_rest_of_a_held_up_threads_band() {
    // The first piece of band 1 waits until every other piece is done, which only happens if a
    // thread other than the one in it takes band 1's other pieces (from the back).
    let check = |par: Par<'_>| {
        let (units, pieces) = (64, 2 * PIECES_PER_BAND);
        let mut data = vec![0u8; units];
        let done = AtomicUsize::new(0);
        par.bands(&mut data, 1, |k, first, piece| {
            if (k, first) == (1, units / 2) {
                let start = std::time::Instant::now();
                while done.load(Ordering::Acquire) < pieces - 1 {
                    assert!(start.elapsed().as_secs() < 60, "band 1's other pieces waited for its held-up thread");
                    std::thread::yield_now();
                }
            }
            piece.fill(1 + k as u8);
            done.fetch_add(1, Ordering::Release);
        });
        assert_eq!(done.into_inner(), pieces);
        assert!(data.iter().enumerate().all(|(i, &x)| usize::from(x) == 1 + i / (units / 2)));
    };
    with_private_team(2, check);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    pool.install(|| check(Par::on_pool(2)));
}
