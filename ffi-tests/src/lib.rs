//! Cross-language tests of `libhpkern.so`, the C ABI of hpkern.
//!
//! This crate deliberately does **not** depend on the `hpkern` crate. It declares every export of
//! `include/hpkern.h` independently (function-pointer types, status constants, `hpk_complex`), loads
//! the built cdylib at run time with `dlopen(RTLD_NOW | RTLD_GLOBAL)` and calls it as a foreign
//! program would. The two shims built by `build.rs` (the same C interface implemented once with
//! the C binding and once with the Fortran binding) are loaded after it: their undefined `hpk_*`
//! symbols resolve against this very library.
//!
//! Where the library comes from: the path in `HPKERN_LIBRARY` if set; otherwise `libhpkern.so` in
//! the `release` (then `debug`) directory of the target directories `$CARGO_TARGET_DIR`, the one
//! the test executable runs from, and `<workspace>/target`. Build it with `make lib`.
//!
//! tests/panic.rs alone loads a second build instead, the one with the `test-panic` feature
//! ([`locate_panic_library`], [`PANIC_BUILD_COMMAND`]), in its own test binary and never next to
//! this one.

use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{c_char, c_void, CStr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared references, generator and canaries; [`Rng`] and [`sieve`] are used everywhere.
pub use hpkern_testkit as testkit;
pub use hpkern_testkit::{primes::sieve, Rng};

/// The published pi and n-th prime values, split between CI and `make test-pi-large`.
pub mod pi_cases;

// ---------------------------------------------------------------------------------------------
// The contract, restated from include/hpkern.h.

/// `hpk_status`.
pub type HpkStatus = u32;
/// `hpk_boundary`.
pub type HpkBoundary = u32;

pub const HPK_OK: HpkStatus = 0;
pub const HPK_ERR_NULL_POINTER: HpkStatus = 1;
pub const HPK_ERR_INVALID_SIZE: HpkStatus = 2;
pub const HPK_ERR_INVALID_ARGUMENT: HpkStatus = 3;
pub const HPK_ERR_OVERLAP: HpkStatus = 4;
pub const HPK_ERR_BUFFER_TOO_SMALL: HpkStatus = 5;
pub const HPK_ERR_OUT_OF_MEMORY: HpkStatus = 6;
pub const HPK_ERR_PANIC: HpkStatus = 7;
pub const HPK_ERR_CANCELLED: HpkStatus = 8;

/// Every status code with its header name.
pub const STATUSES: &[(&str, HpkStatus)] = &[
    ("HPK_OK", HPK_OK),
    ("HPK_ERR_NULL_POINTER", HPK_ERR_NULL_POINTER),
    ("HPK_ERR_INVALID_SIZE", HPK_ERR_INVALID_SIZE),
    ("HPK_ERR_INVALID_ARGUMENT", HPK_ERR_INVALID_ARGUMENT),
    ("HPK_ERR_OVERLAP", HPK_ERR_OVERLAP),
    ("HPK_ERR_BUFFER_TOO_SMALL", HPK_ERR_BUFFER_TOO_SMALL),
    ("HPK_ERR_OUT_OF_MEMORY", HPK_ERR_OUT_OF_MEMORY),
    ("HPK_ERR_PANIC", HPK_ERR_PANIC),
    ("HPK_ERR_CANCELLED", HPK_ERR_CANCELLED),
];

pub const HPK_BOUNDARY_FIXED: HpkBoundary = 0;
pub const HPK_BOUNDARY_PERIODIC: HpkBoundary = 1;

/// `hpk_complex`: two doubles, real part first.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HpkComplex {
    pub re: f64,
    pub im: f64,
}

impl HpkComplex {
    pub const fn new(re: f64, im: f64) -> Self {
        HpkComplex { re, im }
    }
}

pub type DiffusionEvolve = unsafe extern "C" fn(*const f64, *mut f64, usize, usize, f64, f64, HpkBoundary) -> HpkStatus;
pub type DiffusionRun = unsafe extern "C" fn(*mut f64, *mut f64, usize, usize, f64, f64, HpkBoundary, u64) -> HpkStatus;
pub type JuliaCalculateZ =
    unsafe extern "C" fn(*const HpkComplex, *const HpkComplex, usize, i32, *mut i32) -> HpkStatus;
pub type JuliaGrid = unsafe extern "C" fn(f64, f64, f64, f64, usize, usize, f64, f64, i32, *mut i32) -> HpkStatus;
/// x1, x2, y1, y2, width, height, row0, col0, rows, cols, c_re, c_im, maxiter, output.
pub type JuliaTile = unsafe extern "C" fn(
    f64,
    f64,
    f64,
    f64,
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
    f64,
    f64,
    i32,
    *mut i32,
) -> HpkStatus;
pub type LastErrorMessage = unsafe extern "C" fn() -> *const c_char;
pub type SmallestFactorInRange = unsafe extern "C" fn(u64, u64, u64, *mut u64) -> HpkStatus;
pub type CheckPrime = unsafe extern "C" fn(u64, *mut bool) -> HpkStatus;
pub type IsPrime = unsafe extern "C" fn(u64, *mut bool) -> HpkStatus;
pub type IsPrimeBatch = unsafe extern "C" fn(*const u64, usize, *mut bool) -> HpkStatus;
pub type CountPrimes = unsafe extern "C" fn(u64, u64, *mut u64) -> HpkStatus;
pub type NthPrime = unsafe extern "C" fn(u64, *mut u64) -> HpkStatus;
pub type PrimesInRange = unsafe extern "C" fn(u64, u64, *mut u64, usize, *mut usize) -> HpkStatus;
/// `hpk_prime_stream`: opaque, only pointers to it exist.
#[repr(C)]
pub struct HpkPrimeStream {
    _opaque: [u8; 0],
}
pub type PrimeStreamNew = unsafe extern "C" fn(u64, u64, *mut *mut HpkPrimeStream) -> HpkStatus;
pub type PrimeStreamNext = unsafe extern "C" fn(*mut HpkPrimeStream, *mut u64, usize, *mut usize) -> HpkStatus;
pub type PrimeStreamPosition = unsafe extern "C" fn(*mut HpkPrimeStream, *mut u64) -> HpkStatus;
pub type PrimeStreamFree = unsafe extern "C" fn(*mut HpkPrimeStream);
pub type StatusMessage = unsafe extern "C" fn(HpkStatus) -> *const c_char;
pub type SetNumThreads = unsafe extern "C" fn(usize) -> HpkStatus;
pub type GetNumThreads = unsafe extern "C" fn() -> usize;
pub type Version = unsafe extern "C" fn() -> *const c_char;
pub type AbiVersion = unsafe extern "C" fn() -> u32;
pub type IsaName = unsafe extern "C" fn() -> *const c_char;
/// `hpk_progress_fn`: NULL is `None`.
pub type ProgressFn = Option<unsafe extern "C" fn(*mut c_void, u64, u64) -> i32>;
pub type SetProgressHandler = unsafe extern "C" fn(ProgressFn, *mut c_void, u32) -> HpkStatus;
/// `hpk_status hpk_test_panic(bool on_pool_workers)`: exported only by the `test-panic` build of
/// the crate (never in the header); panics on purpose and must return HPK_ERR_PANIC.
pub type TestPanic = unsafe extern "C" fn(bool) -> HpkStatus;

// The shims' interface (ffi-tests/shims/*): every function returns the hpk status.
pub type ShimJuliaGrid = JuliaGrid;
pub type ShimJuliaCalculateZ = JuliaCalculateZ;
pub type ShimDiffusionEvolve = DiffusionEvolve;
/// In place; the shim allocates its own scratch.
pub type ShimDiffusionRun = unsafe extern "C" fn(*mut f64, usize, usize, f64, f64, HpkBoundary, u64) -> HpkStatus;
pub type ShimSmallestFactorInRange = SmallestFactorInRange;
pub type ShimCheckPrime = CheckPrime;
pub type ShimIsPrime = IsPrime;
pub type ShimIsPrimeBatch = IsPrimeBatch;
pub type ShimCountPrimes = CountPrimes;
pub type ShimPrimesInRange = PrimesInRange;

/// A struct of function pointers loaded eagerly from one shared object, plus the list of the
/// symbol names it loads (so a test can compare that list with the header).
macro_rules! function_table {
    ($(#[$meta:meta])* $name:ident, $symbols:ident, { $($field:ident: $ty:ty = $sym:literal,)* }) => {
        $(#[$meta])*
        pub struct $name {
            /// The file this was loaded from.
            pub path: PathBuf,
            /// Keeps the object mapped; the pointers below are valid while it lives.
            pub library: Library,
            $(pub $field: $ty,)*
        }

        #[doc = concat!("The symbols [`", stringify!($name), "`] loads, in declaration order.")]
        pub const $symbols: &[&str] = &[$($sym),*];

        impl $name {
            /// Resolve every symbol of the table in `library`; the first missing one is an error.
            fn from_library(path: PathBuf, library: Library) -> Result<Self, String> {
                $(
                    // SAFETY: the type is the header's prototype of this symbol.
                    let $field: $ty = unsafe {
                        *library.get::<$ty>(concat!($sym, "\0").as_bytes()).map_err(|err| {
                            format!("{} does not export {}: {err}", path.display(), $sym)
                        })?
                    };
                )*
                Ok($name { path, library, $($field,)* })
            }
        }
    };
}

function_table!(
    /// Every export of libhpkern.so.
    Hpk, HPK_SYMBOLS, {
    diffusion_evolve: DiffusionEvolve = "hpk_diffusion_evolve",
    diffusion_run: DiffusionRun = "hpk_diffusion_run",
    julia_calculate_z: JuliaCalculateZ = "hpk_julia_calculate_z",
    julia_grid: JuliaGrid = "hpk_julia_grid",
    julia_tile: JuliaTile = "hpk_julia_tile",
    last_error_message: LastErrorMessage = "hpk_last_error_message",
    smallest_factor_in_range: SmallestFactorInRange = "hpk_smallest_factor_in_range",
    check_prime: CheckPrime = "hpk_check_prime",
    is_prime: IsPrime = "hpk_is_prime",
    is_prime_batch: IsPrimeBatch = "hpk_is_prime_batch",
    count_primes: CountPrimes = "hpk_count_primes",
    nth_prime: NthPrime = "hpk_nth_prime",
    primes_in_range: PrimesInRange = "hpk_primes_in_range",
    prime_stream_new: PrimeStreamNew = "hpk_prime_stream_new",
    prime_stream_next: PrimeStreamNext = "hpk_prime_stream_next",
    prime_stream_position: PrimeStreamPosition = "hpk_prime_stream_position",
    prime_stream_free: PrimeStreamFree = "hpk_prime_stream_free",
    status_message: StatusMessage = "hpk_status_message",
    set_num_threads: SetNumThreads = "hpk_set_num_threads",
    get_num_threads: GetNumThreads = "hpk_get_num_threads",
    version: Version = "hpk_version",
    abi_version: AbiVersion = "hpk_abi_version",
    isa_name: IsaName = "hpk_isa_name",
    set_progress_handler: SetProgressHandler = "hpk_set_progress_handler",
});

function_table!(
    /// One shim shared object (C or Fortran binding behind the same C interface).
    Shim, SHIM_SYMBOLS, {
    julia_grid: ShimJuliaGrid = "shim_julia_grid",
    julia_calculate_z: ShimJuliaCalculateZ = "shim_julia_calculate_z",
    diffusion_evolve: ShimDiffusionEvolve = "shim_diffusion_evolve",
    diffusion_run: ShimDiffusionRun = "shim_diffusion_run",
    smallest_factor_in_range: ShimSmallestFactorInRange = "shim_smallest_factor_in_range",
    check_prime: ShimCheckPrime = "shim_check_prime",
    is_prime: ShimIsPrime = "shim_is_prime",
    is_prime_batch: ShimIsPrimeBatch = "shim_is_prime_batch",
    count_primes: ShimCountPrimes = "shim_count_primes",
    primes_in_range: ShimPrimesInRange = "shim_primes_in_range",
});

// ---------------------------------------------------------------------------------------------
// Locating and loading.

/// The workspace root (the repository): the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("ffi-tests lives inside the workspace");
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// The target directories to look in, most specific first, without duplicates.
fn target_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    // Set in the environment of `cargo test` (inherited at run time) or of the build.
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = option_env!("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    // The test executable is <target>/<profile>/deps/<name>-<hash> (or <target>/<triple>/...).
    if let Ok(exe) = std::env::current_exe() {
        if let Some(profile_dir) = exe.parent().filter(|d| d.ends_with("deps")).and_then(Path::parent) {
            if let Some(target) = profile_dir.parent() {
                dirs.push(target.to_path_buf());
            }
        }
    }
    dirs.push(workspace_root().join("target"));
    let root = workspace_root();
    let mut seen = BTreeSet::new();
    dirs.into_iter()
        .map(|d| if d.is_relative() { root.join(d) } else { d })
        .filter(|d| seen.insert(d.canonicalize().unwrap_or_else(|_| d.clone())))
        .collect()
}

/// Every path [`locate_library`] tries, in order.
pub fn library_candidates() -> Vec<PathBuf> {
    if let Some(path) = std::env::var_os("HPKERN_LIBRARY").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(path)];
    }
    let dirs = target_dirs();
    let mut out = Vec::new();
    for profile in ["release", "debug"] {
        for dir in &dirs {
            out.push(dir.join(profile).join("libhpkern.so"));
        }
    }
    out
}

/// The built libhpkern.so, or an error naming every path tried.
pub fn locate_library() -> Result<PathBuf, String> {
    let candidates = library_candidates();
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let tried: Vec<String> = candidates.iter().map(|p| format!("  {}", p.display())).collect();
    let how = if std::env::var_os("HPKERN_LIBRARY").is_some_and(|p| !p.is_empty()) {
        "HPKERN_LIBRARY names a file that does not exist; point it at libhpkern.so or unset it"
    } else {
        "build it first: run `make lib` in the repository root (or set HPKERN_LIBRARY to its path)"
    };
    Err(format!("libhpkern.so not found. Tried:\n{}\n{how}", tried.join("\n")))
}

impl Hpk {
    /// Load libhpkern from `path` with RTLD_NOW | RTLD_GLOBAL (so that shims resolve against it).
    pub fn load(path: &Path) -> Result<Self, String> {
        // SAFETY: loading runs the library's initialisers; libhpkern has no unusual ones.
        let library = unsafe { Library::open(Some(path), RTLD_NOW | RTLD_GLOBAL) }
            .map_err(|err| format!("cannot load {}: {err}", path.display()))?;
        Hpk::from_library(path.to_path_buf(), library)
    }

    /// `hpk_last_error_message()` of the calling thread, copied.
    pub fn last_error(&self) -> String {
        // SAFETY: the export takes no argument; the text is copied before any other call.
        unsafe { cstr((self.last_error_message)()) }.expect("hpk_last_error_message returned NULL")
    }

    /// `hpk_status_message(status)`, copied.
    pub fn message(&self, status: HpkStatus) -> String {
        // SAFETY: any status value is valid input.
        unsafe { cstr((self.status_message)(status)) }.expect("hpk_status_message returned NULL")
    }
}

/// How to build the library variant with `hpk_test_panic` (run in the repository root).
pub const PANIC_BUILD_COMMAND: &str = "cargo build --profile panic-test -p hpkern --features test-panic";

/// The `test-panic` build of libhpkern.so: `$HPKERN_PANIC_LIBRARY` if set, else
/// `<workspace>/target/panic-test/libhpkern.so`; an error naming the build command if it
/// does not exist. Load it with `libloading::Library::new` (RTLD_LOCAL) in a test binary of its
/// own, never next to [`hpk`]'s copy.
pub fn locate_panic_library() -> Result<PathBuf, String> {
    let (path, from_env) = match std::env::var_os("HPKERN_PANIC_LIBRARY").filter(|p| !p.is_empty()) {
        Some(path) => (PathBuf::from(path), true),
        None => (workspace_root().join("target/panic-test/libhpkern.so"), false),
    };
    if path.is_file() {
        return Ok(path);
    }
    let origin = if from_env { " (from HPKERN_PANIC_LIBRARY)" } else { "" };
    Err(format!(
        "the test-panic build of libhpkern.so is missing: {}{origin} does not exist.\n\
         Build it in the repository root with:\n    {PANIC_BUILD_COMMAND}\n\
         or point HPKERN_PANIC_LIBRARY at a libhpkern.so built with `--features test-panic`.",
        path.display()
    ))
}

static HPK: OnceLock<Hpk> = OnceLock::new();

/// The process-wide libhpkern, loaded on first use and never unloaded. Panics with the paths
/// tried if the library is not built.
pub fn hpk() -> &'static Hpk {
    HPK.get_or_init(|| {
        let path = locate_library().unwrap_or_else(|err| panic!("{err}"));
        Hpk::load(&path).unwrap_or_else(|err| panic!("{err}"))
    })
}

/// Which binding a shim goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    C,
    Fortran,
}

impl Binding {
    pub const ALL: [Binding; 2] = [Binding::C, Binding::Fortran];

    /// The shared object build.rs produced and, if it could not, why.
    pub fn shim_path(self) -> (PathBuf, &'static str) {
        match self {
            Binding::C => (PathBuf::from(env!("HPK_C_SHIM")), env!("HPK_C_SHIM_PROBLEM")),
            Binding::Fortran => (PathBuf::from(env!("HPK_FORTRAN_SHIM")), env!("HPK_FORTRAN_SHIM_PROBLEM")),
        }
    }
}

static C_SHIM: OnceLock<Shim> = OnceLock::new();
static FORTRAN_SHIM: OnceLock<Shim> = OnceLock::new();

/// The shim of `binding`, loaded (after libhpkern) on first use. Panics if build.rs could not
/// build it or it does not load.
pub fn shim(binding: Binding) -> &'static Shim {
    let cell = match binding {
        Binding::C => &C_SHIM,
        Binding::Fortran => &FORTRAN_SHIM,
    };
    cell.get_or_init(|| {
        let (path, problem) = binding.shim_path();
        assert!(problem.is_empty(), "the {binding:?} shim was not built by build.rs: {problem}");
        assert!(path.is_file(), "the {binding:?} shim {} does not exist", path.display());
        // Its hpk_* symbols are undefined: they resolve against the RTLD_GLOBAL libhpkern.
        hpk();
        // SAFETY: loading the shim runs only its (compiler-generated) initialisers.
        let library = unsafe { Library::open(Some(&path), RTLD_NOW) }
            .unwrap_or_else(|err| panic!("cannot load the {binding:?} shim {}: {err}", path.display()));
        Shim::from_library(path, library).unwrap_or_else(|err| panic!("{err}"))
    })
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the tests.

/// Copy a NUL-terminated string; None for NULL.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string.
pub unsafe fn cstr(ptr: *const c_char) -> Option<String> {
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned())
}

/// The text of include/hpkern.h.
pub fn header_text() -> String {
    let path = workspace_root().join("include/hpkern.h");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The header with its comments removed.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.map_or(true, |l| b < l) => {
                out.push_str(&rest[..b]);
                let end = rest[b + 2..].find("*/").expect("unterminated comment in the header");
                out.push(' ');
                rest = &rest[b + 2 + end + 2..];
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |nl| &rest[l + nl..]);
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The header's `#define NAME VALUE` lines with a value (comments removed).
pub fn header_defines() -> BTreeMap<String, String> {
    strip_comments(&header_text())
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("#define")).then_some(())?;
            let name = words.next()?;
            let value = words.collect::<Vec<_>>().join(" ");
            (!value.is_empty()).then(|| (name.to_string(), value))
        })
        .collect()
}

/// A numeric `#define` of the header; panics if it is missing or not a number.
pub fn header_define(name: &str) -> u64 {
    let defines = header_defines();
    let value = defines.get(name).unwrap_or_else(|| panic!("include/hpkern.h does not define {name}"));
    value.trim_end_matches(['u', 'U']).parse().unwrap_or_else(|_| panic!("{name} is not a number: {value}"))
}

/// Names of the functions the header declares: every `hpk_*` identifier followed by `(` outside
/// comments and preprocessor lines.
pub fn header_functions() -> BTreeSet<String> {
    let code: String = strip_comments(&header_text())
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut names = BTreeSet::new();
    let mut i = 0;
    while let Some(pos) = code[i..].find("hpk_") {
        let start = i + pos;
        let mut end = start;
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
        let preceded = start > 0 && is_ident(bytes[start - 1]);
        let mut next = end;
        while next < bytes.len() && bytes[next].is_ascii_whitespace() {
            next += 1;
        }
        if !preceded && next < bytes.len() && bytes[next] == b'(' {
            names.insert(code[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    names
}

/// The book's Julia inputs, built as the book builds them: coordinates by repeated addition
/// (x from -1.8 adding 3.6/1000, y from 1.8 adding -3.6/1000, 1000 each), flattened row by row
/// (for each y, every x), every c = -0.62772 - 0.42193i.
pub fn book_julia_points() -> (Vec<HpkComplex>, Vec<HpkComplex>) {
    let (x1, x2, y1, y2, width, height) = (-1.8f64, 1.8f64, -1.8f64, 1.8f64, 1000usize, 1000usize);
    let (x_step, y_step) = ((x2 - x1) / width as f64, (y1 - y2) / height as f64);
    let mut xs = Vec::with_capacity(width);
    let mut x = x1;
    while xs.len() < width {
        xs.push(x);
        x += x_step;
    }
    let mut ys = Vec::with_capacity(height);
    let mut y = y2;
    while ys.len() < height {
        ys.push(y);
        y += y_step;
    }
    let zs: Vec<HpkComplex> = ys.iter().flat_map(|&y| xs.iter().map(move |&x| HpkComplex::new(x, y))).collect();
    let cs = vec![HPK_BOOK_C; zs.len()];
    (zs, cs)
}

/// The book's Julia constant.
pub const HPK_BOOK_C: HpkComplex = HpkComplex::new(testkit::julia::BOOK_C.0, testkit::julia::BOOK_C.1);
/// The book's checksum of the 1000 x 1000, maxiter 300 picture.
pub const BOOK_JULIA_SUM: i64 = testkit::julia::BOOK_SUM;

/// One diffusion step by the header's formula ([`testkit::diffusion::step`]); any boundary
/// other than fixed wraps.
pub fn diffusion_reference(
    input: &[f64],
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: HpkBoundary,
) -> Vec<f64> {
    testkit::diffusion::step(input, rows, cols, d * dt, boundary != HPK_BOUNDARY_FIXED)
}
