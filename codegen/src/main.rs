//! `sailroute-codegen`: the build.rs generator from the command line (`--help` lists every
//! option). Relative outputs are relative to the current directory. `--check` writes nothing
//! and fails when a checked-in output differs from what would be generated; `--watch`
//! regenerates whenever a scanned source changes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

mod watch;

/// Generates typed Rust and JavaScript clients, a contract and OpenAPI/AsyncAPI documents
/// from sailroute route handlers.
#[derive(Debug, Parser)]
#[command(name = "sailroute-codegen", version, about, max_term_width = 100)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["scan", "contract"]))]
struct Cli {
    /// A Rust file or directory holding routes and types (repeatable).
    #[arg(long, value_name = "PATH")]
    scan: Vec<PathBuf>,
    /// Reads the API from a contract file instead of scanning sources.
    #[arg(long, value_name = "FILE", conflicts_with = "scan")]
    contract: Option<PathBuf>,
    /// Writes the API's contract file (for `--contract` and the server's compatibility check).
    #[arg(long, value_name = "FILE")]
    write_contract: Option<PathBuf>,
    /// Writes the Rust client (a file for `sailroute_client::include_client!`).
    #[arg(long, value_name = "FILE")]
    rust: Option<PathBuf>,
    /// Writes the Rust client as a standalone crate in DIR.
    #[arg(long, value_name = "DIR")]
    rust_crate: Option<PathBuf>,
    /// The standalone crate's name (default: DIR's name).
    #[arg(long, value_name = "NAME", requires = "rust_crate")]
    crate_name: Option<String>,
    /// The standalone crate's version.
    #[arg(
        long,
        value_name = "VERSION",
        requires = "rust_crate",
        default_value = "0.1.0"
    )]
    crate_version: String,
    /// Writes the JavaScript client package (index.js, index.d.ts, browser.js, package.json) in DIR.
    #[arg(long, value_name = "DIR")]
    js: Option<PathBuf>,
    /// The npm package's name (default: DIR's name).
    #[arg(long, value_name = "NAME")]
    js_name: Option<String>,
    /// The npm package's version.
    #[arg(long, value_name = "VERSION", requires = "js_name")]
    js_version: Option<String>,
    /// Writes the OpenAPI 3.1 document.
    #[arg(long, value_name = "FILE")]
    openapi: Option<PathBuf>,
    /// Writes the AsyncAPI 3.0 document.
    #[arg(long, value_name = "FILE")]
    asyncapi: Option<PathBuf>,
    /// The API's title in the OpenAPI/AsyncAPI documents.
    #[arg(long, value_name = "TITLE")]
    api_title: Option<String>,
    /// The API's version in the OpenAPI/AsyncAPI documents.
    #[arg(long, value_name = "VERSION")]
    api_version: Option<String>,
    /// Declares the type NAME in the Rust client as RUST_PATH instead (repeatable).
    #[arg(long = "map", value_name = "NAME=RUST_PATH", value_parser = pair)]
    maps: Vec<(String, String)>,
    /// Declares the type NAME in TypeScript as TS instead (repeatable).
    #[arg(long = "ts-type", value_name = "NAME=TS", value_parser = pair)]
    ts_types: Vec<(String, String)>,
    /// A type declared elsewhere: its Rust path and its TypeScript type (repeatable).
    #[arg(long = "extern", value_name = "NAME=RUST_PATH=TS", value_parser = triple)]
    externs: Vec<(String, String, String)>,
    /// Adds an attribute to the Rust client's declaration of NAME (repeatable).
    #[arg(long = "type-attribute", value_name = "NAME=ATTRIBUTE", value_parser = pair)]
    type_attributes: Vec<(String, String)>,
    /// Types NAME as untyped JSON in the clients (repeatable).
    #[arg(long = "untyped", value_name = "NAME")]
    untyped: Vec<String>,
    /// Leaves the extractor NAME out of the clients (repeatable).
    #[arg(long = "ignore-extractor", value_name = "NAME")]
    ignore_extractors: Vec<String>,
    /// Evaluates `cfg(feature = "NAME")` as on when scanning (repeatable).
    #[arg(long = "feature", value_name = "NAME")]
    features: Vec<String>,
    /// Evaluates `cfg(feature = "NAME")` as off when scanning (repeatable).
    #[arg(long = "without-feature", value_name = "NAME")]
    without_features: Vec<String>,
    /// Writes nothing; fails when an output differs from what would be generated.
    #[arg(long, conflicts_with = "watch")]
    check: bool,
    /// Regenerates whenever a scanned source changes; errors are reported and watching goes on.
    #[arg(long, requires = "scan")]
    watch: bool,
}

/// `NAME=VALUE`.
fn pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got {text:?}"))
}

/// `NAME=RUST_PATH=TS`.
fn triple(text: &str) -> Result<(String, String, String), String> {
    let mut parts = text.splitn(3, '=');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c)) => Ok((a.to_owned(), b.to_owned(), c.to_owned())),
        _ => Err(format!("expected NAME=RUST_PATH=TS, got {text:?}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.watch {
        watch::run(&cli.scan, || generate(&cli));
    }
    match generate(&cli) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// One generation with the command line's options; the summary line, or the error.
fn generate(cli: &Cli) -> Result<String, String> {
    let mut builder = sailroute_codegen::configure()
        .out_dir(
            std::env::current_dir()
                .map_err(|e| format!("cannot read the current directory: {e}"))?,
        )
        .emit_rerun_if_changed(false)
        .check(cli.check);
    for path in &cli.scan {
        builder = builder.scan(path);
    }
    if let Some(file) = &cli.contract {
        builder = builder.contract(file);
    }
    if let Some(file) = &cli.write_contract {
        builder = builder.write_contract(file);
    }
    if let Some(file) = &cli.rust {
        builder = builder.rust_client(file);
    }
    if let Some(dir) = &cli.js {
        builder = builder.js_client(dir);
    }
    if let Some(file) = &cli.openapi {
        builder = builder.openapi(file);
    }
    if let Some(file) = &cli.asyncapi {
        builder = builder.asyncapi(file);
    }
    for (name, path) in &cli.maps {
        builder = builder.map_type(name, path);
    }
    for (name, ts) in &cli.ts_types {
        builder = builder.ts_type(name, ts);
    }
    for (name, path, ts) in &cli.externs {
        builder = builder.extern_type(name, path, ts);
    }
    for (name, attribute) in &cli.type_attributes {
        builder = builder.type_attribute(name, attribute);
    }
    for name in &cli.untyped {
        builder = builder.untyped(name);
    }
    for name in &cli.ignore_extractors {
        builder = builder.ignore_extractor(name);
    }
    for name in &cli.features {
        builder = builder.feature(name);
    }
    for name in &cli.without_features {
        builder = builder.without_feature(name);
    }
    if let Some(name) = &cli.js_name {
        let version = cli.js_version.clone().unwrap_or_else(|| "0.1.0".to_owned());
        builder = builder.js_package(name, version);
    }
    if cli.api_title.is_some() || cli.api_version.is_some() {
        builder = builder.api_info(
            cli.api_title.clone().unwrap_or_else(|| "API".to_owned()),
            cli.api_version
                .clone()
                .unwrap_or_else(|| "0.1.0".to_owned()),
        );
    }
    if let Some(dir) = &cli.rust_crate {
        let name = match &cli.crate_name {
            Some(name) => name.clone(),
            None => dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| format!("--rust-crate {}: give --crate-name", dir.display()))?,
        };
        builder = builder.rust_crate(dir, name, cli.crate_version.clone());
    }
    let report = builder.compile().map_err(|e| e.to_string())?;
    for line in &report.unmounted {
        eprintln!("warning: {line}");
    }
    Ok(format!(
        "{} routes, {} types from {} files: {} written, {} up to date",
        report.routes,
        report.types,
        report.inputs.len(),
        report.written.len(),
        report.unchanged.len()
    ))
}
