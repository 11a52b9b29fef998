//! Write the seed corpus of the `abi` target: `cargo run --example write_seeds [DIR]` in fuzz/
//! (DIR defaults to fuzz/seeds/abi, whose other files are removed). `make fuzz-seeds` runs it.

use hpkern_fuzz::seeds::{seed_dir, seeds};

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os().nth(1).map_or_else(seed_dir, Into::into);
    std::fs::create_dir_all(&dir)?;
    let all = seeds();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_file() && !all.iter().any(|s| s.name == name) {
            std::fs::remove_file(&path)?;
        }
    }
    for s in &all {
        std::fs::write(dir.join(s.name), &s.bytes)?;
    }
    println!("wrote {} seeds to {}", all.len(), dir.display());
    Ok(())
}
