//! libFuzzer entry of the target `abi`; the target itself (format, checks, ops) is the
//! hpkern_fuzz library in src/.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hpkern_fuzz::run(data));
