//! Build script: compiles the two cross-language shims into shared objects in OUT_DIR.
//!
//! * `ffi-tests/shims/c_shim.c` (C binding: `include/hpkern.h`) -> `libhpk_c_shim.so`, with the
//!   C compiler the `cc` crate picks (`CC` overrides it).
//! * `bindings/fortran/hpkern.f90` + `ffi-tests/shims/fortran_shim.f90` -> `libhpk_fortran_shim.so`,
//!   with `gfortran` (`FC` overrides it).
//!
//! Neither links libhpkern: a Linux shared object may leave the `hpk_*` symbols undefined, and
//! they resolve when the tests load the shim after loading libhpkern with RTLD_GLOBAL. So this
//! script does not need the library to be built first.
//!
//! The paths reach the tests as `HPK_C_SHIM` / `HPK_FORTRAN_SHIM`. A shim whose source file does
//! not exist yet is not built; `HPK_C_SHIM_PROBLEM` / `HPK_FORTRAN_SHIM_PROBLEM` then say why and
//! every test that needs it fails with that text. A missing Fortran compiler or a compile error
//! fails the build.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let repo = manifest_dir.parent().expect("ffi-tests lives inside the workspace").to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let header = repo.join("include/hpkern.h");
    let c_shim = manifest_dir.join("shims/c_shim.c");
    let fortran_module = repo.join("bindings/fortran/hpkern.f90");
    let fortran_shim = manifest_dir.join("shims/fortran_shim.f90");

    println!("cargo:rerun-if-changed=build.rs");
    // Directories too, so that a source file appearing later triggers a rebuild.
    for path in [&header, &c_shim, &fortran_module, &fortran_shim] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed={}", manifest_dir.join("shims").display());
    println!("cargo:rerun-if-changed={}", repo.join("bindings/fortran").display());
    println!("cargo:rerun-if-changed={}", repo.join("bindings/c").display());
    println!("cargo:rerun-if-env-changed=FC");
    println!("cargo:rerun-if-env-changed=CC");

    // --- C shim ---------------------------------------------------------------------------
    let c_out = out_dir.join("libhpk_c_shim.so");
    let _ = std::fs::remove_file(&c_out);
    let c_problem = match missing(&[&header, &c_shim]) {
        Some(problem) => problem,
        None => {
            let mut cmd = cc::Build::new().cargo_metadata(false).get_compiler().to_command();
            cmd.args(["-shared", "-fPIC", "-O2", "-Wall"]);
            cmd.arg("-I").arg(repo.join("include"));
            if repo.join("bindings/c").is_dir() {
                cmd.arg("-I").arg(repo.join("bindings/c"));
            }
            cmd.arg(&c_shim).arg("-o").arg(&c_out);
            run(cmd, "the C shim", None);
            String::new()
        }
    };

    // --- Fortran shim ---------------------------------------------------------------------
    let fc = env::var("FC").ok().filter(|s| !s.trim().is_empty());
    let fc_name = fc.clone().unwrap_or_else(|| "gfortran".to_string());
    let fortran_hint = if fc.is_some() {
        format!("the Fortran compiler FC={fc_name} does not run; fix FC or unset it to use gfortran")
    } else {
        "gfortran is not installed: install the Debian package `gfortran` \
         (`apt-get install -y gfortran`, or run scripts/ensure-gfortran.sh, which `make test` runs first)"
            .to_string()
    };
    match Command::new(&fc_name).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "hpkern-ffi-tests needs a Fortran compiler for the Fortran shim: {fortran_hint}\n`{fc_name} --version` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!(
            "hpkern-ffi-tests needs a Fortran compiler for the Fortran shim: {fortran_hint}\n(`{fc_name} --version`: {err})"
        ),
    }
    let fortran_out = out_dir.join("libhpk_fortran_shim.so");
    let _ = std::fs::remove_file(&fortran_out);
    let fortran_problem = match missing(&[&fortran_module, &fortran_shim]) {
        Some(problem) => problem,
        None => {
            let mut cmd = Command::new(&fc_name);
            cmd.args(["-shared", "-fPIC", "-O2", "-J"]).arg(&out_dir);
            cmd.arg(&fortran_module).arg(&fortran_shim).arg("-o").arg(&fortran_out);
            // The compiler may drop .mod files into the working directory without -J support.
            run(cmd, "the Fortran shim", Some(&out_dir));
            String::new()
        }
    };

    for (problem, name) in [(&c_problem, "C"), (&fortran_problem, "Fortran")] {
        if !problem.is_empty() {
            println!("cargo:warning=the {name} shim is not built: {problem}; the bindings tests will fail");
        }
    }
    println!("cargo:rustc-env=HPK_C_SHIM={}", c_out.display());
    println!("cargo:rustc-env=HPK_C_SHIM_PROBLEM={c_problem}");
    println!("cargo:rustc-env=HPK_FORTRAN_SHIM={}", fortran_out.display());
    println!("cargo:rustc-env=HPK_FORTRAN_SHIM_PROBLEM={fortran_problem}");
}

/// A description of the missing source files, if any.
fn missing(paths: &[&Path]) -> Option<String> {
    let absent: Vec<String> = paths.iter().filter(|p| !p.is_file()).map(|p| p.display().to_string()).collect();
    (!absent.is_empty()).then(|| format!("source file(s) missing: {}", absent.join(", ")))
}

/// Run a compiler command; panic with its output if it fails.
fn run(mut cmd: Command, what: &str, cwd: Option<&Path>) {
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let shown = format!("{cmd:?}");
    let out = cmd.output().unwrap_or_else(|err| panic!("cannot run the compiler for {what}: {shown}: {err}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        panic!("compiling {what} failed ({}):\n{shown}\n{}{stderr}", out.status, String::from_utf8_lossy(&out.stdout));
    }
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        println!("cargo:warning={what}: {line}");
    }
}
