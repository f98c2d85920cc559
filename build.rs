//! Lets binaries and the extension find libtorch at run time without LD_LIBRARY_PATH.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    // Installed wheel: site-packages/ser_rs/_native.so -> site-packages/torch/lib.
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../torch/lib");
    // Test binaries and examples run from target/: point them at the build-time libtorch.
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        let lib = PathBuf::from(libtorch).join("lib");
        if let Ok(abs) = lib.canonicalize() {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", abs.display());
        }
    }
}
