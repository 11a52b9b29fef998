//! Writes the C header of the hpkern crate: `hpkern-gen-header <output>` (`make generate`).
//!
//! The header is checked in and is the one description of the ABI; CI regenerates it and fails on
//! any difference (`make header-check`). It is written here, as its own step, rather than by the
//! crate's build script, so that building the library never writes into the source tree.

use std::ffi::CStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(output), None) = (args.next(), args.next()) else {
        eprintln!("usage: hpkern-gen-header <output header>");
        return ExitCode::from(2);
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match generate(&crate_dir, &PathBuf::from(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hpkern-gen-header: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(crate_dir: &Path, output: &Path) -> Result<(), String> {
    let mut config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).map_err(|err| format!("cbindgen.toml: {err}"))?;
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .map_err(|err| format!("cbindgen: {err}"))?;
    // write_to_file leaves an unchanged file untouched (its time stamp too), so make sees no change.
    bindings.write_to_file(output);
    Ok(())
}

/// The HPK_VERSION_* and HPK_ABI_VERSION macros, from the library's own answers.
fn version_macros() -> String {
    // SAFETY: hpk_version returns static NUL-terminated text, never NULL.
    let version = unsafe { CStr::from_ptr(hpkern::ffi::hpk_version()) }.to_str().expect("the version is ASCII");
    let parts: Vec<&str> = version.split('.').collect();
    let [major, minor, patch] = parts[..] else { panic!("version {version} is not MAJOR.MINOR.PATCH") };
    let abi = hpkern::ffi::hpk_abi_version();
    format!(
        "\n/** Version of the library these declarations describe; hpk_version() returns the same at run time. */\n\
         #define HPK_VERSION_MAJOR {major}\n#define HPK_VERSION_MINOR {minor}\n#define HPK_VERSION_PATCH {patch}\n\
         /** ABI version: the number in the soname libhpkern.so.<HPK_ABI_VERSION>; hpk_abi_version() returns it. */\n\
         #define HPK_ABI_VERSION {abi}\n"
    )
}
