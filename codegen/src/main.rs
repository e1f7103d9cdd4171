//! `sailroute-codegen`: the build.rs generator from the command line.
//!
//! ```text
//! sailroute-codegen (--scan server/src [--scan more.rs] | --contract api.json) [--write-contract api.json] [--rust client.rs] [--rust-crate dir [--crate-name NAME] [--crate-version VERSION]] [--js dir [--js-name NAME] [--js-version VERSION]] [--openapi openapi.json] [--asyncapi asyncapi.yaml] [--api-title TITLE] [--api-version VERSION] [--map NAME=PATH]... [--ts-type NAME=TS]... [--extern NAME=PATH=TS]... [--type-attribute NAME=ATTR]... [--untyped NAME]... [--ignore-extractor NAME]... [--feature NAME]... [--without-feature NAME]... [--check]
//! ```
//! Relative outputs are relative to the current directory. `--check` writes nothing and
//! fails when a checked-in output differs from what would be generated.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: sailroute-codegen (--scan PATH [--scan PATH]... | --contract FILE) [--write-contract FILE] [--rust FILE] [--rust-crate DIR [--crate-name NAME] [--crate-version VERSION]] [--js DIR [--js-name NAME] [--js-version VERSION]] [--openapi FILE] [--asyncapi FILE] [--api-title TITLE] [--api-version VERSION] [--map NAME=RUST_PATH]... [--ts-type NAME=TS]... [--extern NAME=RUST_PATH=TS]... [--type-attribute NAME=ATTR]... [--untyped NAME]... [--ignore-extractor NAME]... [--feature NAME]... [--without-feature NAME]... [--check]";

fn main() -> ExitCode {
    match run() {
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

fn run() -> Result<String, String> {
    let mut builder = sailroute_codegen::configure()
        .out_dir(std::env::current_dir().map_err(|e| e.to_string())?)
        .emit_rerun_if_changed(false);
    let mut scanned = false;
    let mut js_name = None;
    let mut api_title: Option<String> = None;
    let mut api_version: Option<String> = None;
    let mut rust_crate: Option<PathBuf> = None;
    let mut crate_name: Option<String> = None;
    let mut crate_version: Option<String> = None;
    let mut js_version: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--scan" => {
                builder = builder.scan(PathBuf::from(value("--scan")?));
                scanned = true;
            }
            "--rust" => builder = builder.rust_client(PathBuf::from(value("--rust")?)),
            "--contract" => {
                builder = builder.contract(PathBuf::from(value("--contract")?));
                scanned = true;
            }
            "--write-contract" => {
                builder = builder.write_contract(PathBuf::from(value("--write-contract")?));
            }
            "--js" => builder = builder.js_client(PathBuf::from(value("--js")?)),
            "--openapi" => builder = builder.openapi(PathBuf::from(value("--openapi")?)),
            "--asyncapi" => builder = builder.asyncapi(PathBuf::from(value("--asyncapi")?)),
            "--api-title" => api_title = Some(value("--api-title")?),
            "--api-version" => api_version = Some(value("--api-version")?),
            "--rust-crate" => rust_crate = Some(PathBuf::from(value("--rust-crate")?)),
            "--crate-name" => crate_name = Some(value("--crate-name")?),
            "--crate-version" => crate_version = Some(value("--crate-version")?),
            "--js-name" => js_name = Some(value("--js-name")?),
            "--js-version" => js_version = Some(value("--js-version")?),
            "--map" => {
                let pair = value("--map")?;
                let (name, path) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--map takes NAME=RUST_PATH, got {pair:?}"))?;
                builder = builder.map_type(name, path);
            }
            "--type-attribute" => {
                let pair = value("--type-attribute")?;
                let (name, attribute) = pair.split_once('=').ok_or_else(|| {
                    format!("--type-attribute takes NAME=ATTRIBUTE, got {pair:?}")
                })?;
                builder = builder.type_attribute(name, attribute);
            }
            "--ts-type" => {
                let pair = value("--ts-type")?;
                let (name, ts) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--ts-type takes NAME=TYPESCRIPT, got {pair:?}"))?;
                builder = builder.ts_type(name, ts);
            }
            "--extern" => {
                let triple = value("--extern")?;
                let mut parts = triple.splitn(3, '=');
                let (Some(name), Some(path), Some(ts)) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(format!(
                        "--extern takes NAME=RUST_PATH=TYPESCRIPT, got {triple:?}"
                    ));
                };
                builder = builder.extern_type(name, path, ts);
            }
            "--untyped" => builder = builder.untyped(value("--untyped")?),
            "--feature" => builder = builder.feature(value("--feature")?),
            "--without-feature" => builder = builder.without_feature(value("--without-feature")?),
            "--ignore-extractor" => {
                builder = builder.ignore_extractor(value("--ignore-extractor")?);
            }
            "--check" => builder = builder.check(true),
            "-h" | "--help" => return Ok(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if !scanned {
        return Err(format!(
            "nothing to read: give --scan or --contract\n{USAGE}"
        ));
    }
    if js_name.is_some() || js_version.is_some() {
        let name = match js_name {
            Some(name) => name,
            None => return Err(format!("--js-version needs --js-name too\n{USAGE}")),
        };
        builder = builder.js_package(name, js_version.unwrap_or_else(|| "0.1.0".to_owned()));
    }
    if api_title.is_some() || api_version.is_some() {
        builder = builder.api_info(
            api_title.unwrap_or_else(|| "API".to_owned()),
            api_version.unwrap_or_else(|| "0.1.0".to_owned()),
        );
    }
    match rust_crate {
        Some(dir) => {
            let name = match crate_name {
                Some(name) => name,
                None => dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| format!("--rust-crate {}: give --crate-name", dir.display()))?,
            };
            let version = crate_version.unwrap_or_else(|| "0.1.0".to_owned());
            builder = builder.rust_crate(dir, name, version);
        }
        None if crate_name.is_some() || crate_version.is_some() => {
            return Err(format!(
                "--crate-name and --crate-version go with --rust-crate\n{USAGE}"
            ));
        }
        None => {}
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
