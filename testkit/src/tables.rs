//! Published values to test against: pi(10^k) (OEIS A006880), pi(2^k) (OEIS A007053) and the
//! (10^k)-th prime (OEIS A006988), typed from the tables, independent of any code here.

/// pi(10^k), k = 0..=19 (OEIS A006880).
pub const PI_POW10: [u64; 20] = [
    0,
    4,
    25,
    168,
    1_229,
    9_592,
    78_498,
    664_579,
    5_761_455,
    50_847_534,
    455_052_511,
    4_118_054_813,
    37_607_912_018,
    346_065_536_839,
    3_204_941_750_802,
    29_844_570_422_669,
    279_238_341_033_925,
    2_623_557_157_654_233,
    24_739_954_287_740_860,
    234_057_667_276_344_607,
];

/// pi(2^k), k = 0..=64 (OEIS A007053); 2^64 itself is not prime, so the last is pi(2^64 - 1).
pub const PI_POW2: [u64; 65] = [
    0,
    1,
    2,
    4,
    6,
    11,
    18,
    31,
    54,
    97,
    172,
    309,
    564,
    1_028,
    1_900,
    3_512,
    6_542,
    12_251,
    23_000,
    43_390,
    82_025,
    155_611,
    295_947,
    564_163,
    1_077_871,
    2_063_689,
    3_957_809,
    7_603_553,
    14_630_843,
    28_192_750,
    54_400_028,
    105_097_565,
    203_280_221,
    393_615_806,
    762_939_111,
    1_480_206_279,
    2_874_398_515,
    5_586_502_348,
    10_866_266_172,
    21_151_907_950,
    41_203_088_796,
    80_316_571_436,
    156_661_034_233,
    305_761_713_237,
    597_116_381_732,
    1_166_746_786_182,
    2_280_998_753_949,
    4_461_632_979_717,
    8_731_188_863_470,
    17_094_432_576_778,
    33_483_379_603_407,
    65_612_899_915_304,
    128_625_503_610_475,
    252_252_704_148_404,
    494_890_204_904_784,
    971_269_945_245_201,
    1_906_879_381_028_850,
    3_745_011_184_713_964,
    7_357_400_267_843_990,
    14_458_792_895_301_660,
    28_423_094_496_953_330,
    55_890_484_045_084_135,
    109_932_807_585_469_973,
    216_289_611_853_439_384,
    425_656_284_035_217_743,
];

/// The (10^k)-th prime, k = 0..=17 (OEIS A006988; also primecount 7.6's `primecount -n 1e{k}`);
/// the (10^18)-th prime, 44211790234832169331, is above 2^64.
pub const NTH_PRIME_POW10: [u64; 18] = [
    2,
    29,
    541,
    7_919,
    104_729,
    1_299_709,
    15_485_863,
    179_424_673,
    2_038_074_743,
    22_801_763_489,
    252_097_800_623,
    2_760_727_302_517,
    29_996_224_275_833,
    323_780_508_946_331,
    3_475_385_758_524_527,
    37_124_508_045_065_437,
    394_906_913_903_735_329,
    4_185_296_581_467_695_669,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primes::{is_prime, sieve};

    #[test]
    fn the_tables_agree_with_the_reference_sieve_as_far_as_it_reaches() {
        let table = sieve((1 << 24) + 1);
        let primes: Vec<u64> = (0..table.len()).filter(|&i| table[i]).map(|i| i as u64).collect();
        let pi = |x: u64| primes.partition_point(|&p| p <= x) as u64;
        for (k, &want) in PI_POW10.iter().enumerate().take(8) {
            assert_eq!(pi(10u64.pow(k as u32)), want, "pi(10^{k})");
        }
        for (k, &want) in PI_POW2.iter().enumerate().take(25) {
            assert_eq!(pi(1 << k), want, "pi(2^{k})");
        }
        for (k, &want) in NTH_PRIME_POW10.iter().enumerate().take(7) {
            assert_eq!(primes[10usize.pow(k as u32) - 1], want, "p(10^{k})");
        }
        for (k, &p) in NTH_PRIME_POW10.iter().enumerate() {
            assert!(is_prime(p), "p(10^{k}) = {p} is prime");
        }
        // The tables in order: pi(p(10^k)) = 10^k lies between the pi(10^j) around p(10^k).
        for (k, &p) in NTH_PRIME_POW10.iter().enumerate().skip(1) {
            let j = p.ilog10() as usize;
            assert!(PI_POW10[j] < 10u64.pow(k as u32) && 10u64.pow(k as u32) <= PI_POW10[j + 1], "p(10^{k}) = {p}");
        }
    }
}
