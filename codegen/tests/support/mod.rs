//! What the codegen test files share: scratch directories and fixture sources.

#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;

/// The scratch directory `name` of this test process (its path, not created).
pub(crate) fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("sailroute-codegen-{name}-{}", std::process::id()))
}

/// A fresh, empty scratch directory `name`.
pub(crate) fn tempdir(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// `source` with a function mounting every handler it declares, as a server's router would
/// (the generator keeps only mounted routes).
pub(crate) fn mounted(source: &str) -> String {
    let names: Vec<&str> = source
        .split("async fn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .collect();
    format!(
        "{source}\nfn app() {{ let _ = routes![{}]; }}\n",
        names.join(", ")
    )
}
