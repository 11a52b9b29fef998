//! The instruction-set path the kernels run on, chosen once per process.
//!
//! The library is built for baseline x86-64 (no `-C target-cpu=native`), so one `.so` runs on any
//! x86-64. Kernels that gain from wider vectors have one implementation per [`Isa`], each in its
//! own file and compiled with `#[target_feature]`; [`active`] is the single dispatch point that
//! says which one runs. The portable scalar path exists everywhere (and is the only one on other
//! architectures), so it is always built and always tested.
//!
//! `HPK_FORCE_ISA=scalar|avx2|avx512` asks for a path. A request the CPU cannot run falls back to
//! the best path below it (asking for avx512 on an AVX2 machine gives avx2), so forcing can never
//! execute an unsupported instruction; an unknown value is ignored. The variable is read once, at
//! the first kernel call.

use std::sync::OnceLock;

/// A kernel implementation family, ordered from narrowest to widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Portable Rust, no target-specific instructions beyond the build's baseline.
    Scalar,
    /// x86-64 with AVX2 and FMA: 4 f64 lanes.
    Avx2,
    /// x86-64 with AVX-512 F, DQ, VL and BW: 8 f64 lanes and mask registers.
    Avx512,
}

impl Isa {
    /// Every path, narrowest first.
    pub const ALL: [Isa; 3] = [Isa::Scalar, Isa::Avx2, Isa::Avx512];

    /// The name `HPK_FORCE_ISA` and `hpk_isa_name` use.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// Parse an `HPK_FORCE_ISA` value (case-insensitive, surrounding blanks ignored).
    pub fn from_name(name: &str) -> Option<Isa> {
        Isa::ALL.into_iter().find(|isa| isa.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this CPU can run the path.
    pub fn is_supported(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                Isa::Avx2.is_supported()
                    && is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The paths this CPU supports, narrowest first: what tests iterate over.
    pub fn supported() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|isa| isa.is_supported()).collect()
    }

    /// The widest supported path.
    pub fn best() -> Isa {
        Isa::ALL.into_iter().rev().find(|isa| isa.is_supported()).unwrap_or(Isa::Scalar)
    }

    /// The path to run for a request: `requested` if supported, else the best path below it.
    pub fn resolve(requested: Option<Isa>) -> Isa {
        let best = Isa::best();
        match requested {
            Some(isa) => Isa::ALL.into_iter().rev().find(|&p| p <= isa && p.is_supported()).unwrap_or(best),
            None => best,
        }
    }
}

/// The path every kernel call of this process uses: `HPK_FORCE_ISA` resolved against the CPU,
/// decided at the first call.
pub fn active() -> Isa {
    static ACTIVE: OnceLock<Isa> = OnceLock::new();
    *ACTIVE.get_or_init(|| {
        let requested = std::env::var("HPK_FORCE_ISA").ok().and_then(|v| Isa::from_name(&v));
        Isa::resolve(requested)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for isa in Isa::ALL {
            assert_eq!(Isa::from_name(isa.name()), Some(isa));
            assert_eq!(Isa::from_name(&format!(" {} ", isa.name().to_uppercase())), Some(isa));
        }
        for bad in ["", "sse2", "avx", "avx-512", "neon"] {
            assert_eq!(Isa::from_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_request_never_resolves_to_an_unsupported_or_wider_path() {
        assert!(Isa::Scalar.is_supported());
        assert_eq!(Isa::resolve(Some(Isa::Scalar)), Isa::Scalar);
        assert_eq!(Isa::resolve(None), Isa::best());
        for isa in Isa::ALL {
            let got = Isa::resolve(Some(isa));
            assert!(got.is_supported() && got <= isa, "{isa:?} resolved to {got:?}");
            if isa.is_supported() {
                assert_eq!(got, isa);
            }
        }
        // Supported paths nest: avx512 implies avx2.
        let supported = Isa::supported();
        assert_eq!(supported, Isa::ALL[..supported.len()].to_vec());
    }

    #[test]
    fn the_active_path_follows_hpk_force_isa() {
        let want = Isa::resolve(std::env::var("HPK_FORCE_ISA").ok().and_then(|v| Isa::from_name(&v)));
        assert_eq!(active(), want);
        assert!(active().is_supported());
    }
}
