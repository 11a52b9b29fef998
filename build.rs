//! Build script: sets the soname and regenerates `include/hpkern.h` with cbindgen.
//!
//! The ABI version lives here, once: it names the soname (`libhpkern.so.<ABI>`), reaches the crate
//! as the `HPK_ABI_VERSION` environment variable, and the header as a macro.

use std::env;
use std::path::PathBuf;

/// Bump only on an incompatible change of the C ABI (a removed or changed export).
const ABI_VERSION: u32 = 1;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=HPK_ABI_VERSION={ABI_VERSION}");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhpkern.so.{ABI_VERSION}");
    }

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml must parse");
    let version = |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("cargo sets the version");
    config.after_includes = Some(format!(
        "\n/** Version of the library these declarations describe; hpk_version() returns the same at run time. */\n\
         #define HPK_VERSION_MAJOR {}\n#define HPK_VERSION_MINOR {}\n#define HPK_VERSION_PATCH {}\n\
         /** ABI version: the number in the soname libhpkern.so.<HPK_ABI_VERSION>; hpk_abi_version() returns it. */\n\
         #define HPK_ABI_VERSION {ABI_VERSION}\n",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
    ));

    match cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate() {
        Ok(bindings) => {
            bindings.write_to_file(crate_dir.join("include/hpkern.h"));
        }
        // A syntax error in src/ is reported by rustc itself with better spans; don't mask it here.
        Err(err) => println!("cargo:warning=cbindgen could not generate include/hpkern.h: {err}"),
    }
}
