//! Compile the book's C kernels with gcc -O3 (no -march=native: hpkern's default build doesn't
//! use it either), as the baseline of the comparison bench.
fn main() {
    println!("cargo:rerun-if-changed=c/book_kernels.c");
    cc::Build::new().file("c/book_kernels.c").opt_level(3).flag("-std=c99").compile("book_kernels");
}
