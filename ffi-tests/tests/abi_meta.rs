//! Version, ABI version and soname, status codes and texts, the thread-count knob, the last-error
//! text, and that the set of exports equals the header's declarations.

use hpkern_ffi_tests::*;
use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
use std::collections::BTreeSet;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// A minimal ELF64 little-endian reader: the soname and the defined dynamic function symbols.

struct Elf {
    data: Vec<u8>,
}

struct Section {
    kind: u32,
    offset: usize,
    size: usize,
    link: usize,
}

impl Elf {
    fn read(path: &Path) -> Elf {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        assert_eq!(&data[..4], b"\x7fELF", "{} is not an ELF file", path.display());
        assert_eq!(data[4], 2, "not a 64-bit ELF file");
        assert_eq!(data[5], 1, "not a little-endian ELF file");
        Elf { data }
    }
    fn u16_at(&self, at: usize) -> usize {
        u16::from_le_bytes(self.data[at..at + 2].try_into().unwrap()) as usize
    }
    fn u32_at(&self, at: usize) -> usize {
        u32::from_le_bytes(self.data[at..at + 4].try_into().unwrap()) as usize
    }
    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.data[at..at + 8].try_into().unwrap())
    }
    fn sections(&self) -> Vec<Section> {
        let (shoff, shentsize, shnum) = (self.u64_at(0x28) as usize, self.u16_at(0x3a), self.u16_at(0x3c));
        (0..shnum)
            .map(|i| {
                let at = shoff + i * shentsize;
                Section {
                    kind: self.u32_at(at + 4) as u32,
                    offset: self.u64_at(at + 0x18) as usize,
                    size: self.u64_at(at + 0x20) as usize,
                    link: self.u32_at(at + 0x28),
                }
            })
            .collect()
    }
    fn string(&self, table: &Section, index: usize) -> String {
        let start = table.offset + index;
        let end = start + self.data[start..].iter().position(|&b| b == 0).expect("unterminated ELF string");
        String::from_utf8_lossy(&self.data[start..end]).into_owned()
    }
    /// DT_SONAME of the .dynamic section.
    fn soname(&self) -> Option<String> {
        const SHT_DYNAMIC: u32 = 6;
        const DT_NULL: u64 = 0;
        const DT_SONAME: u64 = 14;
        let sections = self.sections();
        let dynamic = sections.iter().find(|s| s.kind == SHT_DYNAMIC)?;
        let strtab = &sections[dynamic.link];
        (0..dynamic.size / 16)
            .map(|i| (self.u64_at(dynamic.offset + 16 * i), self.u64_at(dynamic.offset + 16 * i + 8)))
            .take_while(|&(tag, _)| tag != DT_NULL)
            .find(|&(tag, _)| tag == DT_SONAME)
            .map(|(_, value)| self.string(strtab, value as usize))
    }
    /// Names of the global, defined function symbols of .dynsym.
    fn exported_functions(&self) -> BTreeSet<String> {
        const SHT_DYNSYM: u32 = 11;
        const STT_FUNC: u8 = 2;
        const STB_LOCAL: u8 = 0;
        let sections = self.sections();
        let Some(dynsym) = sections.iter().find(|s| s.kind == SHT_DYNSYM) else {
            return BTreeSet::new();
        };
        let strtab = &sections[dynsym.link];
        (0..dynsym.size / 24)
            .map(|i| dynsym.offset + 24 * i)
            .filter(|&at| {
                let info = self.data[at + 4];
                let shndx = self.u16_at(at + 6);
                info & 0xf == STT_FUNC && info >> 4 != STB_LOCAL && shndx != 0
            })
            .map(|at| self.string(strtab, self.u32_at(at)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------

fn version_string() -> String {
    unsafe { cstr((hpk().version)()) }.expect("hpk_version returned NULL")
}

/// `version = "..."` of the [package] section of the workspace's Cargo.toml.
fn cargo_toml_version() -> String {
    let path = workspace_root().join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut section = "";
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[package]" {
            if let Some(value) = line.strip_prefix("version").map(str::trim).and_then(|r| r.strip_prefix('=')) {
                return value.trim().trim_matches('"').to_string();
            }
        }
    }
    panic!("no [package] version in {}", path.display());
}

#[test]
fn version_matches_header_and_cargo_toml() {
    let version = version_string();
    let header = format!(
        "{}.{}.{}",
        header_define("HPK_VERSION_MAJOR"),
        header_define("HPK_VERSION_MINOR"),
        header_define("HPK_VERSION_PATCH")
    );
    assert_eq!(version, header, "hpk_version() vs the HPK_VERSION_* macros of include/hpkern.h");
    assert_eq!(version, cargo_toml_version(), "hpk_version() vs the workspace Cargo.toml");
    // Static text: the same pointer every time.
    assert_eq!(unsafe { (hpk().version)() }, unsafe { (hpk().version)() });
}

#[test]
fn isa_name_names_a_supported_path_and_follows_hpk_force_isa() {
    let isa = unsafe { cstr((hpk().isa_name)()) }.expect("hpk_isa_name returned NULL");
    assert!(["scalar", "avx2", "avx512"].contains(&isa.as_str()), "unknown ISA path {isa:?}");
    let flags = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let has = |flag: &str| flags.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|w| w == flag));
    let supported = match isa.as_str() {
        "avx2" => has("avx2") && has("fma"),
        "avx512" => ["avx2", "fma", "avx512f", "avx512dq", "avx512vl", "avx512bw"].iter().all(|f| has(f)),
        _ => true,
    };
    assert!(supported, "the library chose {isa}, which this CPU lacks");
    match std::env::var("HPK_FORCE_ISA").as_deref() {
        Ok("scalar") => assert_eq!(isa, "scalar"),
        Ok("avx2") if has("avx2") && has("fma") => assert_eq!(isa, "avx2"),
        _ => {}
    }
    assert_eq!(unsafe { (hpk().isa_name)() }, unsafe { (hpk().isa_name)() }, "static text");
}

#[test]
fn abi_version_matches_header_and_soname() {
    let lib = hpk();
    let abi = unsafe { (lib.abi_version)() };
    assert_eq!(abi as u64, header_define("HPK_ABI_VERSION"), "hpk_abi_version() vs HPK_ABI_VERSION");

    // The soname recorded in the .so's dynamic section.
    let soname = format!("libhpkern.so.{abi}");
    assert_eq!(Elf::read(&lib.path).soname().as_deref(), Some(soname.as_str()), "DT_SONAME of {}", lib.path.display());

    // `make lib` puts the soname link next to the library, and it is the same file.
    let link = lib.path.with_file_name(&soname);
    assert_eq!(
        link.canonicalize().unwrap_or_else(|e| panic!("{} does not resolve: {e}", link.display())),
        lib.path.canonicalize().unwrap(),
        "{} must point to {}",
        link.display(),
        lib.path.display()
    );
    let ours = lib.abi_version as usize;
    // Opening the link maps no second copy: the loader recognises the same file.
    let via_link = unsafe { Library::open(Some(&link), RTLD_NOW | RTLD_GLOBAL) }.expect("load via the soname link");
    let f = unsafe { *via_link.get::<AbiVersion>(b"hpk_abi_version\0").unwrap() };
    assert_eq!(f as usize, ours, "the soname link loaded a different copy of the library");
    // And the bare soname finds the loaded library (glibc matches already loaded objects by DT_SONAME).
    const RTLD_NOLOAD: i32 = 4;
    let by_soname = unsafe { Library::open(Some(&soname), RTLD_NOW | RTLD_NOLOAD) }
        .unwrap_or_else(|e| panic!("no loaded object has the soname {soname}: {e}"));
    let f = unsafe { *by_soname.get::<AbiVersion>(b"hpk_abi_version\0").unwrap() };
    assert_eq!(f as usize, ours);
    assert_eq!(unsafe { f() }, abi);
}

#[test]
fn status_messages_are_distinct_and_total() {
    let lib = hpk();
    let texts: Vec<String> = (0..=8).map(|s| lib.message(s)).collect();
    for (s, text) in texts.iter().enumerate() {
        assert!(!text.is_empty(), "status {s} has an empty text");
        assert_ne!(text, "unknown status code", "status {s} is a known status");
    }
    let distinct: BTreeSet<&String> = texts.iter().collect();
    assert_eq!(distinct.len(), 9, "texts must be distinct: {texts:?}");
    for s in [9, 10, 100, 0x7fff_ffff, u32::MAX] {
        assert_eq!(lib.message(s), "unknown status code", "status {s}");
    }
    // Static text: the same pointer every time, also for unknown codes.
    assert_eq!(unsafe { (lib.status_message)(3) }, unsafe { (lib.status_message)(3) });
    assert_eq!(unsafe { (lib.status_message)(99) }, unsafe { (lib.status_message)(1234) });
}

#[test]
fn status_constants_match_header() {
    let defines = header_defines();
    for &(name, value) in STATUSES {
        assert_eq!(header_define(name), value as u64, "{name}");
    }
    assert_eq!(header_define("HPK_BOUNDARY_FIXED"), HPK_BOUNDARY_FIXED as u64);
    assert_eq!(header_define("HPK_BOUNDARY_PERIODIC"), HPK_BOUNDARY_PERIODIC as u64);
    // No status in the header that this crate does not know.
    let header_statuses: BTreeSet<&str> =
        defines.keys().map(String::as_str).filter(|k| *k == "HPK_OK" || k.starts_with("HPK_ERR_")).collect();
    let ours: BTreeSet<&str> = STATUSES.iter().map(|&(n, _)| n).collect();
    assert_eq!(header_statuses, ours);
    let boundaries = defines.keys().filter(|k| k.starts_with("HPK_BOUNDARY_")).count();
    assert_eq!(boundaries, 2);
    // The layout of hpk_complex.
    assert_eq!(std::mem::size_of::<HpkComplex>(), 16);
    assert_eq!(std::mem::align_of::<HpkComplex>(), 8);
    let header = header_text();
    assert!(header.contains("typedef uint32_t hpk_status;"));
    assert!(header.contains("typedef uint32_t hpk_boundary;"));
    let complex = header.split("typedef struct hpk_complex {").nth(1).expect("hpk_complex in the header");
    let body = &complex[..complex.find("} hpk_complex;").unwrap()];
    let re = body.find("double re;").expect("double re");
    let im = body.find("double im;").expect("double im");
    assert!(re < im, "real part first");
}

#[test]
fn thread_count_round_trip() {
    // The only test of this binary that changes the setting.
    let lib = hpk();
    unsafe {
        assert_eq!((lib.set_num_threads)(3), HPK_OK);
        assert_eq!((lib.get_num_threads)(), 3);
        assert_eq!((lib.set_num_threads)(1), HPK_OK);
        assert_eq!((lib.get_num_threads)(), 1);
        assert_eq!((lib.set_num_threads)(1024), HPK_OK);
        assert_eq!((lib.get_num_threads)(), 1024);
        // Counts above 1024 (HPK_ERR_INVALID_ARGUMENT, setting unchanged): rows of bad_input.rs.

        // 0: automatic, HPK_NUM_THREADS if positive, else the available cores.
        assert_eq!((lib.set_num_threads)(0), HPK_OK);
        let automatic = (lib.get_num_threads)();
        assert!(automatic >= 1);
        let from_env =
            std::env::var("HPK_NUM_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0);
        let expected = from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        assert_eq!(automatic, expected.min(1024));
    }
    // A kernel still works after all that (and with one thread).
    let mut count = 0;
    unsafe {
        assert_eq!((lib.set_num_threads)(1), HPK_OK);
        assert_eq!((lib.count_primes)(0, 1000, &mut count), HPK_OK);
        assert_eq!(count, 168);
        assert_eq!((lib.set_num_threads)(0), HPK_OK);
        assert_eq!((lib.count_primes)(0, 1000, &mut count), HPK_OK);
        assert_eq!(count, 168);
    }
}

#[test]
fn last_error_message_is_per_thread_and_detailed() {
    // Run on a fresh thread so no earlier failure of this test binary shows.
    std::thread::spawn(|| {
        let lib = hpk();
        assert_eq!(lib.last_error(), "", "no call on this thread failed yet");

        let input = [1.0f64; 9];
        let mut output = [0.0f64; 9];
        let status = unsafe { (lib.diffusion_evolve)(input.as_ptr(), output.as_mut_ptr(), 3, 3, f64::NAN, 0.1, 0) };
        assert_eq!(status, HPK_ERR_INVALID_ARGUMENT);
        let nan_detail = lib.last_error();
        assert!(nan_detail.contains("NaN"), "detail names the bad value: {nan_detail:?}");
        assert_ne!(nan_detail, lib.message(status), "a detail, not the status text");

        // A successful call leaves it unchanged.
        assert_eq!(unsafe { (lib.diffusion_evolve)(input.as_ptr(), output.as_mut_ptr(), 3, 3, 1.0, 0.1, 0) }, HPK_OK);
        assert_eq!(lib.last_error(), nan_detail);

        // The next failure replaces it.
        let mut out = [0i32; 4];
        let status = unsafe { (lib.julia_grid)(-1.0, 1.0, -1.0, 1.0, 2, 2, 0.0, 0.0, -7, out.as_mut_ptr()) };
        assert_eq!(status, HPK_ERR_INVALID_ARGUMENT);
        let maxiter_detail = lib.last_error();
        assert!(!maxiter_detail.is_empty() && maxiter_detail != nan_detail, "{maxiter_detail:?}");

        let status = unsafe { (lib.is_prime)(7, std::ptr::null_mut()) };
        assert_eq!(status, HPK_ERR_NULL_POINTER);
        let null_detail = lib.last_error();
        assert!(!null_detail.is_empty() && null_detail != maxiter_detail, "{null_detail:?}");

        // Another thread has its own (empty) message.
        let other = std::thread::spawn(|| hpk().last_error()).join().unwrap();
        assert_eq!(other, "");
        assert_eq!(lib.last_error(), null_detail);
    })
    .join()
    .unwrap();
}

#[test]
fn every_header_function_is_loaded_and_exported() {
    let declared = header_functions();
    let loaded: BTreeSet<String> = HPK_SYMBOLS.iter().map(|s| s.to_string()).collect();
    assert_eq!(loaded.len(), HPK_SYMBOLS.len(), "a symbol is loaded twice");
    assert_eq!(declared, loaded, "the functions of include/hpkern.h vs the symbols this crate loads");

    // And the library exports exactly those hpk_* functions.
    let exported: BTreeSet<String> =
        Elf::read(&hpk().path).exported_functions().into_iter().filter(|s| s.starts_with("hpk_")).collect();
    assert_eq!(exported, declared, "hpk_* functions exported by {} vs the header", hpk().path.display());
}

#[test]
fn library_is_found_where_documented() {
    let lib = hpk();
    let candidates = library_candidates();
    assert!(candidates.contains(&lib.path), "{} not among {candidates:?}", lib.path.display());
    assert!(lib.path.is_file());
    if std::env::var_os("HPKERN_LIBRARY").is_none() {
        // Release before debug, and the workspace's own target directory is searched.
        let first_debug = candidates.iter().position(|p| p.parent().unwrap().ends_with("debug")).unwrap();
        assert!(candidates[..first_debug].iter().all(|p| p.parent().unwrap().ends_with("release")));
        assert!(candidates.contains(&workspace_root().join("target/release/libhpkern.so")));
    }
}
