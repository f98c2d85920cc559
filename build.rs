//! The trainer module finds libtorch at run time without LD_LIBRARY_PATH, through a path relative
//! to itself only: the built module carries no path of the build machine.
fn main() {
    // Installed wheel: site-packages/ser_rs_train/_trainer.so -> site-packages/torch/lib. In a
    // development install (maturin develop) `import torch` has loaded libtorch before the module.
    if std::env::var_os("CARGO_FEATURE_TRAIN").is_some() {
        println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../torch/lib");
    }
}
