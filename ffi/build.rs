//! Generates the C header with cbindgen (into OUT_DIR; `tests/header.rs` compares it with the
//! committed `include/codecommit_auth.h`) and gives the shared library a SONAME carrying the
//! major version, so an incompatible release is a different file to the dynamic linker.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("CARGO_PKG_VERSION_MAJOR");
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcodecommit_auth.so.{major}");
            link_soname_in_build_tree(&out_dir, &major);
        }
        // macOS: the install name is what a program records (as the SONAME on Linux), found
        // through the program's rpath; compatibility_version lets dyld refuse an older dylib.
        Ok("macos") => {
            let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("CARGO_PKG_VERSION_MINOR");
            let version = env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
            for arg in [
                format!("-Wl,-install_name,@rpath/libcodecommit_auth.{major}.dylib"),
                format!("-Wl,-compatibility_version,{major}.{minor}.0"),
                format!("-Wl,-current_version,{version}"),
            ] {
                println!("cargo:rustc-cdylib-link-arg={arg}");
            }
        }
        // Windows: cargo names them codecommit_auth.dll, its import library
        // (libcodecommit_auth.dll.a with mingw, codecommit_auth.dll.lib with MSVC) and the
        // static library (libcodecommit_auth.a / codecommit_auth.lib). Nothing to add.
        _ => {}
    }

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml is readable and valid");
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()
        .expect("cbindgen can generate the C header from ffi/src")
        .write_to_file(out_dir.join("codecommit_auth.h"));
}

/// A program linked against the build tree (`-L target/release -lcodecommit_auth`) records
/// the SONAME, libcodecommit_auth.so.MAJOR, and the loader looks for that name: create it
/// next to the library as a link to libcodecommit_auth.so (made before the library is
/// linked, it dangles only until then). OUT_DIR is <profile dir>/build/<pkg>-<hash>/out.
fn link_soname_in_build_tree(out_dir: &std::path::Path, major: &str) {
    let Some(profile_dir) = out_dir.ancestors().nth(3) else {
        return;
    };
    let link = profile_dir.join(format!("libcodecommit_auth.so.{major}"));
    if std::fs::read_link(&link).is_ok_and(|target| target.as_os_str() == "libcodecommit_auth.so") {
        return;
    }
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    if let Err(e) = std::os::unix::fs::symlink("libcodecommit_auth.so", &link) {
        println!("cargo:warning=cannot create {}: {e}", link.display());
    }
}
