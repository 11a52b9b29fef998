//! The instruction-set path the kernels run on, chosen once per process.
//!
//! The library is built for baseline x86-64 (no `-C target-cpu=native`), so one `.so` runs on any
//! x86-64. Kernels that gain from wider vectors have one implementation per path, compiled with
//! `#[target_feature]`; [`Supported::active`] is the single dispatch point that says which one
//! runs. The portable scalar path exists everywhere (and is the only one on other architectures),
//! so it is always built and always tested.
//!
//! `HPK_FORCE_ISA=scalar|avx2|avx512` asks for a path. A request the CPU cannot run falls back to
//! the best path below it (asking for avx512 on an AVX2 machine gives avx2), so forcing can never
//! execute an unsupported instruction; an unknown value is ignored. The variable is read once, at
//! the first kernel call.
//!
//! # A path the CPU runs is a type
//!
//! [`Isa`] only names a path: what `HPK_FORCE_ISA` asks for and tests list. [`Supported`] is a path
//! this CPU runs: its vector variants carry a proof, [`Avx2Token`] or [`Avx512Token`], zero-sized
//! values that only this module creates, after detecting the CPU's features. Every per-path kernel
//! takes its token by value, so safe code cannot reach an instruction the CPU lacks; the `unsafe`
//! call of a `#[target_feature]` function stays in the kernel's own file, justified by the token
//! in its hands. Code without intrinsics that only gains from wider registers is written once and
//! compiled per path by [`Supported::compile`].

use std::sync::OnceLock;

/// The name of a kernel implementation family, ordered from narrowest to widest; whether this CPU
/// runs it is [`Isa::check`].
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

    /// The proof that this CPU runs the path, or `None`: the only place a token is made.
    pub fn check(self) -> Option<Supported> {
        match self {
            Isa::Scalar => Some(Supported::Scalar),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") => {
                Some(Supported::Avx2(Avx2Token(())))
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512
                if Isa::Avx2.is_supported()
                    && is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512bw") =>
            {
                Some(Supported::Avx512(Avx512Token(())))
            }
            _ => None,
        }
    }

    /// Whether this CPU can run the path.
    pub fn is_supported(self) -> bool {
        self.check().is_some()
    }

    /// The paths this CPU supports, narrowest first: what tests iterate over.
    pub fn supported() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|isa| isa.is_supported()).collect()
    }

    /// The widest supported path.
    pub fn best() -> Isa {
        Supported::resolve(Isa::Avx512).isa()
    }

    /// The path to run for a request: `requested` if supported, else the best path below it.
    pub fn resolve(requested: Option<Isa>) -> Isa {
        Supported::resolve(requested.unwrap_or(Isa::Avx512)).isa()
    }
}

/// A path this CPU runs, with its proof: made only by [`Isa::check`] (and so by the functions
/// below, which call it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Supported {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2Token),
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512Token),
}

/// Proof that this CPU has AVX2 and FMA; only [`Isa::check`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Avx2Token(());

/// Proof that this CPU has AVX-512 F, DQ, VL and BW (and AVX2 and FMA); only [`Isa::check`]
/// makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Avx512Token(());

impl Supported {
    /// The path every kernel call of this process uses: `HPK_FORCE_ISA` resolved against the CPU,
    /// decided at the first call.
    pub fn active() -> Supported {
        static ACTIVE: OnceLock<Supported> = OnceLock::new();
        *ACTIVE.get_or_init(|| {
            let requested = std::env::var("HPK_FORCE_ISA").ok().and_then(|v| Isa::from_name(&v));
            Supported::resolve(requested.unwrap_or(Isa::Avx512))
        })
    }

    /// `requested` if this CPU runs it, else the widest supported path below it.
    pub fn resolve(requested: Isa) -> Supported {
        Isa::ALL.into_iter().rev().filter(|&isa| isa <= requested).find_map(Isa::check).unwrap_or(Supported::Scalar)
    }

    /// Every path this CPU runs, narrowest first: what tests compare.
    pub fn all() -> Vec<Supported> {
        Isa::ALL.into_iter().filter_map(Isa::check).collect()
    }

    /// The path's name.
    pub fn isa(self) -> Isa {
        match self {
            Supported::Scalar => Isa::Scalar,
            #[cfg(target_arch = "x86_64")]
            Supported::Avx2(_) => Isa::Avx2,
            #[cfg(target_arch = "x86_64")]
            Supported::Avx512(_) => Isa::Avx512,
        }
    }

    /// Runs `code` compiled for this path: [`Compiled::run`] is inlined into a function built
    /// with the path's target features, where the compiler may vectorize it to the path's
    /// registers. For portable code (no intrinsics) that gains from wider vectors.
    #[inline(always)]
    pub fn compile<C: Compiled>(self, code: C) -> C::Output {
        match self {
            Supported::Scalar => code.run(),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx2(avx2) => avx2.compile(code),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx512(avx512) => avx512.compile(code),
        }
    }
}

/// Portable code that [`Supported::compile`] builds once per path. `run` must be
/// `#[inline(always)]`, and so must what it calls that should be vectorized: inlining is what
/// carries the path's target features into it.
pub trait Compiled {
    type Output;
    fn run(self) -> Self::Output;
}

#[cfg(target_arch = "x86_64")]
impl Avx2Token {
    /// [`Supported::compile`] for AVX2.
    #[inline(always)]
    pub fn compile<C: Compiled>(self, code: C) -> C::Output {
        #[target_feature(enable = "avx2,fma")]
        fn with_avx2<C: Compiled>(code: C) -> C::Output {
            code.run()
        }
        // SAFETY: the token exists only on a CPU with AVX2 and FMA (`Isa::check`).
        unsafe { with_avx2(code) }
    }
}

#[cfg(target_arch = "x86_64")]
impl Avx512Token {
    /// [`Supported::compile`] for AVX-512.
    #[inline(always)]
    pub fn compile<C: Compiled>(self, code: C) -> C::Output {
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
        fn with_avx512<C: Compiled>(code: C) -> C::Output {
            code.run()
        }
        // SAFETY: the token exists only on a CPU with AVX-512 F/DQ/VL/BW, AVX2 and FMA
        // (`Isa::check`).
        unsafe { with_avx512(code) }
    }
}

/// The name of the path every kernel call of this process uses ([`Supported::active`]).
pub fn active() -> Isa {
    Supported::active().isa()
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
            assert_eq!(Supported::resolve(isa).isa(), got);
            assert_eq!(isa.check().map(Supported::isa), isa.is_supported().then_some(isa));
        }
        // Supported paths nest: avx512 implies avx2.
        let supported = Isa::supported();
        assert_eq!(supported, Isa::ALL[..supported.len()].to_vec());
        assert_eq!(Supported::all().into_iter().map(Supported::isa).collect::<Vec<_>>(), supported);
    }

    #[test]
    fn the_active_path_follows_hpk_force_isa() {
        let want = Isa::resolve(std::env::var("HPK_FORCE_ISA").ok().and_then(|v| Isa::from_name(&v)));
        assert_eq!(active(), want);
        assert!(active().is_supported());
        assert_eq!(Supported::active().isa(), want);
    }
}
