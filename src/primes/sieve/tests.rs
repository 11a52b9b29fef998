//! Tests of the sieve core: base primes, chunks and segments, clipping, every instruction set.

use super::*;

fn primes_by_sieve(sieve: &Sieve, b0: u64, b1: u64) -> Vec<u64> {
    let mut scratch = sieve.scratch().unwrap();
    let mut found = Vec::new();
    let mut counted = 0;
    sieve.run(&mut scratch, b0, b1, Meter::off(), |start, bytes, count| {
        let before = found.len();
        for_each_survivor(start, bytes, |p| found.push(p));
        assert_eq!(count, (found.len() - before) as u64, "segment count at byte {start}");
        counted += count;
    });
    assert_eq!(counted, found.len() as u64);
    found
}

fn byte_sieve(limit: usize) -> Vec<u64> {
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for i in 2..=limit {
        if !composite[i] {
            primes.push(i as u64);
            (i * i..=limit).step_by(i).for_each(|j| composite[j] = true);
        }
    }
    primes
}

#[test]
fn base_primes_match_the_byte_sieve() {
    for isa in Supported::all() {
        let big = Sieve::with_isa(isa, 1 << 20, 0, 1 << 40).unwrap();
        let mut reference: Vec<u32> = byte_sieve(1 << 20).into_iter().map(|p| p as u32).collect();
        reference.retain(|&p| u64::from(p) > presieve::LARGEST);
        let mut sorted = big.primes.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, reference, "{isa:?}");
        for g in 0..16 {
            let group = &big.primes[big.groups[g]..big.groups[g + 1]];
            assert!(group.windows(2).all(|w| w[0] < w[1]), "group {g} ascending");
            assert!(group.iter().all(|&p| class_of(p.into()) == g % 8 && (u64::from(p) >= SMALL_LIMIT) == (g >= 8)));
        }
        assert_eq!(big.confirm_above, u64::MAX, "2^20 covers sqrt(2^40 - 1)");
    }
    assert_eq!(Sieve::new(1 << 16, 0, 1 << 40).unwrap().confirm_above, 1 << 32);
    assert_eq!(small_primes(160), [109, 113, 127, 131, 137, 139, 149, 151, 157]);
}

#[test]
fn chunks_segments_and_clipping_agree_with_a_byte_sieve() {
    // Chunks and ranges not aligned to segments, blocks, words or bytes; full and partial sieve.
    let limit = 30 * (2 * SEG_BYTES as u64 + 12_345) + 17;
    let reference = byte_sieve(limit as usize);
    let cases = [
        (0, limit),
        (0, 1),
        (0, 2),
        (1, 8),
        (7, 8),
        (29, 31),
        (30, 60),
        (31, 1000),
        (119, 121),
        (97, 30 * BLOCK_BYTES as u64 + 11),
        (30 * SEG_BYTES as u64 - 1, limit - 1),
    ];
    // A partial sieve (bound 300 or 110) leaves most survivors to Miller-Rabin, which is slow
    // over tens of millions of numbers: it gets the short cases plus windows across both segment
    // boundaries and the end of the range, where chunks and clipping meet the confirmation.
    let seg = 30 * SEG_BYTES as u64;
    let partial_cases = [&cases[1..10], &[(seg - 30_001, seg + 30_007), (2 * seg - 7, limit - 1)]].concat();
    for isa in Supported::all() {
        for (bound, cases) in [(isqrt(limit), &cases[..]), (300, &partial_cases[..]), (110, &partial_cases[..])] {
            for &(lo, hi) in cases {
                let sieve = Sieve::with_isa(isa, bound, lo, hi).unwrap();
                let expect: Vec<u64> = reference.iter().copied().filter(|&v| v > 5 && v >= lo && v < hi).collect();
                let (b0, b1) = (lo / 30, hi.div_ceil(30));
                assert_eq!(primes_by_sieve(&sieve, b0, b1), expect, "{isa:?} bound {bound}, [{lo}, {hi})");
                // The same range in two chunks, cut inside.
                let cut = b0 + (b1 - b0) / 3;
                let mut two = primes_by_sieve(&sieve, b0, cut);
                two.extend(primes_by_sieve(&sieve, cut, b1));
                assert_eq!(two, expect, "{isa:?} bound {bound}, [{lo}, {hi}) cut at byte {cut}");
            }
        }
    }
}

#[test]
fn partial_sieve_near_u64_max_is_confirmed_by_miller_rabin() {
    let lo = u64::MAX - 300_000;
    let expect: Vec<u64> = (lo..=u64::MAX).filter(|&v| is_prime(v)).collect();
    for isa in Supported::all() {
        for hi in [u64::MAX, u64::MAX - 58, u64::MAX - 59] {
            let sieve = Sieve::with_isa(isa, 1 << 10, lo, hi).unwrap();
            let want: Vec<u64> = expect.iter().copied().filter(|&v| v < hi).collect();
            assert_eq!(primes_by_sieve(&sieve, lo / 30, hi.div_ceil(30)), want, "{isa:?} hi {hi}");
        }
    }
    assert_eq!(expect.last(), Some(&(u64::MAX - 58)));
}

#[test]
fn a_full_sieve_far_from_zero_uses_every_path() {
    // Base primes up to 10^6 above 10^12: small, medium and idle primes in one chunk.
    let (lo, hi) = (1_000_000_000_000u64, 1_000_000_000_000 + 30 * 3 * SEG_BYTES as u64 / 2 + 7);
    let expect = (lo..hi).filter(|&v| is_prime(v)).count() as u64;
    for isa in Supported::all() {
        let sieve = Sieve::with_isa(isa, isqrt(hi - 1), lo, hi).unwrap();
        assert_eq!(sieve.confirm_above, u64::MAX);
        let mut scratch = sieve.scratch().unwrap();
        let mut count = 0;
        sieve.run(&mut scratch, lo / 30, hi.div_ceil(30), Meter::off(), |_, _, n| count += n);
        assert_eq!(count, expect, "{isa:?}");
    }
}
