//! `make test-pi-large`: the published pi(10^k), pi(2^k) and (10^k)-th prime values that CI
//! (tests/abi_pi.rs) leaves out for time (see hpkern_ffi_tests::pi_cases), each asked of the
//! built library and compared with the table; about an hour on 2 cores.
//!
//!     pi-large [NAME...]   only the cases named, CI's too (e.g. pi:10^17 pi:2^55 nth:10^13)
//!     pi-large --list      print the cases and exit
//!
//! A line per case with its time, then "pi-large: N passed, M failed"; exit status 1 if any
//! failed (or a NAME matches no case).

use hpkern_ffi_tests::hpk;
use hpkern_ffi_tests::pi_cases::{self, Case};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let large = pi_cases::large();
    if args.iter().any(|a| a == "--list") {
        for case in &large {
            println!("{}", case.name());
        }
        return ExitCode::SUCCESS;
    }
    let cases: Vec<Case> = if args.is_empty() {
        large
    } else {
        let all = pi_cases::all();
        if let Some(unknown) = args.iter().find(|a| !all.iter().any(|c| &c.name() == *a)) {
            eprintln!("pi-large: no case {unknown:?} (see pi-large --list)");
            return ExitCode::FAILURE;
        }
        all.into_iter().filter(|c| args.contains(&c.name())).collect()
    };
    // SAFETY: no arguments; the library is loaded.
    let threads = unsafe { (hpk().get_num_threads)() };
    println!("pi-large: {} cases on {threads} threads", cases.len());
    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        let started = Instant::now();
        let result = case.check();
        let seconds = started.elapsed().as_secs_f64();
        match result {
            Ok(()) => {
                passed += 1;
                println!("{:<20} ok      {seconds:8.1} s", case.name());
            }
            Err(why) => {
                failed += 1;
                println!("{:<20} FAILED  {seconds:8.1} s  {why}", case.name());
            }
        }
    }
    println!("pi-large: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
