//! A generated Rust client whose types need a feature of `sailroute-client` that is off fails
//! to build with one error naming the feature and the `Cargo.toml` line to write (issue 21,
//! point 5), and builds once the feature is on. Runs `cargo check` on a scratch crate.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Command;

use support::{mounted, tempdir};

const SERVER: &str = r#"
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Ticket {
    pub id: uuid::Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[sailroute::get("/ticket")]
async fn ticket() -> Json<Ticket> {
    unreachable!()
}
"#;

/// `cargo check` of a crate holding the generated client, with `features` of
/// sailroute-client: the compiler's errors.
fn check(dir: &Path, features: &[&str]) -> (bool, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let client = root.join("client");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"needs-features\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nsailroute-client = {{ path = {:?}, features = {features:?} }}\n\n[workspace]\n",
            client.display().to_string()
        ),
    )
    .unwrap();
    // The workspace's lock file: the same versions, nothing to resolve.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--message-format", "short"])
        .current_dir(dir)
        // Shared by runs, apart from the workspace's own target directory and its lock.
        .env(
            "CARGO_TARGET_DIR",
            root.join("target").join("feature-check"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr
        .lines()
        .filter(|l| l.contains("error") && !l.starts_with("error: could not compile"))
        .map(str::to_owned)
        .collect();
    (output.status.success(), errors)
}

#[test]
fn a_missing_feature_is_one_error_that_names_it() {
    let dir = tempdir("features");
    let source = dir.join("server.rs");
    std::fs::write(&source, mounted(SERVER)).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    sailroute_codegen::configure()
        .scan(&source)
        .rust_client(dir.join("src").join("client.rs"))
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap();
    std::fs::write(dir.join("src").join("lib.rs"), "include!(\"client.rs\");\n").unwrap();

    let (ok, errors) = check(&dir, &["uuid"]);
    assert!(!ok);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("needs the `chrono` feature of sailroute-client")
            && errors[0]
                .contains(r#"sailroute-client = { version = "0.1.0", features = ["chrono"] }"#),
        "{errors:#?}"
    );

    let (ok, errors) = check(&dir, &["uuid", "chrono"]);
    assert!(ok, "{errors:#?}");
    std::fs::remove_dir_all(&dir).ok();
}
