//! The command line: clap's errors name the flag, and `--watch` regenerates on a change of
//! the scanned sources, reports errors without exiting, and writes nothing when nothing
//! changed (issue 21, point 7).

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::{mounted, tempdir};

const BIN: &str = env!("CARGO_BIN_EXE_sailroute-codegen");

#[test]
fn errors_name_the_flag_and_help_lists_every_option() {
    let out = Command::new(BIN)
        .args(["--scan", "x", "--map", "NoEquals"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--map <NAME=RUST_PATH>") && stderr.contains("expected NAME=VALUE"),
        "{stderr}"
    );

    let out = Command::new(BIN).args(["--js", "web"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--scan <PATH>|--contract <FILE>"),
        "{stderr}"
    );

    let out = Command::new(BIN)
        .args(["--scan", "x", "--watch", "--check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'--watch' cannot be used with '--check'"),
        "{stderr}"
    );

    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--scan",
        "--contract",
        "--rust-crate",
        "--js-name",
        "--openapi",
        "--extern",
        "--watch",
        "--check",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
}

/// Lines the watcher prints, stdout and stderr alike.
fn lines(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    std::thread::spawn(move || {
        BufReader::new(err)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx2.send(l)))
    });
    rx
}

/// The next line containing `needle`, within a generous bound (a failure, not a timing claim).
fn expect(rx: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no line containing {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}

/// The first line containing each needle, in whatever order they arrive.
fn expect_each<const N: usize>(rx: &mpsc::Receiver<String>, needles: [&str; N]) -> [String; N] {
    let mut found: [Option<String>; N] = std::array::from_fn(|_| None);
    while found.iter().any(Option::is_none) {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no line for each of {needles:?}; found {found:?}"));
        for (slot, needle) in found.iter_mut().zip(needles) {
            if slot.is_none() && line.contains(needle) {
                *slot = Some(line.clone());
            }
        }
    }
    found.map(|line| line.unwrap_or_default())
}

#[test]
fn watch_regenerates_on_change_and_survives_errors() {
    let dir = tempdir("watch");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let source = |field: &str| {
        mounted(&format!(
            "#[derive(Serialize)]\npub struct Item {{ pub {field}: u8 }}\n#[get(\"/item\")]\nasync fn item() -> Json<Item> {{ unreachable!() }}\n"
        ))
    };
    std::fs::write(src.join("api.rs"), source("a")).unwrap();
    let mut child = Command::new(BIN)
        .args(["--scan", "src", "--js", "web", "--watch"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines(&mut child);
    // The summary goes to stdout and "watching" to stderr: two pipes read by two threads, so
    // either may arrive first.
    let [first, _] = expect_each(&rx, ["routes", "watching"]);
    assert!(first.contains("written"), "{first}");
    let dts = || std::fs::read_to_string(dir.join("web/index.d.ts")).unwrap();
    assert!(dts().contains("a: number"));

    // A change regenerates.
    std::fs::write(src.join("api.rs"), source("b")).unwrap();
    let again = expect(&rx, "routes");
    assert!(
        again.contains("written") && !again.contains(" 0 written"),
        "{again}"
    );
    assert!(dts().contains("b: number"));

    // A broken source is reported, and watching goes on.
    std::fs::write(src.join("api.rs"), "this is not rust").unwrap();
    expect(&rx, "error:");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the watcher exited on an error"
    );

    // Back to the last good source: its outputs are current, so nothing is written.
    std::fs::write(src.join("api.rs"), source("b")).unwrap();
    let same = expect(&rx, "routes");
    assert!(same.contains(" 0 written"), "{same}");

    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
