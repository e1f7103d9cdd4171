//! Fixture sources in, golden outputs out. `UPDATE_GOLDEN=1 cargo test -p sailroute-codegen`
//! rewrites the goldens (review the diff); the goldens are compiled by
//! `tests/fixtures-client` and type-checked by `tests/node` (tsc).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{mounted, tempdir};

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn compare(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the generated output; run `UPDATE_GOLDEN=1 cargo test -p sailroute-codegen --test golden` and review the diff",
        path.display()
    );
}

fn generate(case: &str) -> [(String, String); 7] {
    generate_from(root().join("fixtures").join(case).join("src"), case)
}

/// The outputs for `source`, the JS package named `<case>-client`, through the public builder
/// (the emitters are internal).
fn generate_from(source: PathBuf, case: &str) -> [(String, String); 7] {
    let out = tempdir(&format!("golden-{case}"));
    sailroute_codegen::configure()
        .scan(source)
        .rust_client("client.rs")
        .js_client("js")
        .js_package(format!("{case}-client"), "0.1.0")
        .openapi("openapi.json")
        .asyncapi("asyncapi.yaml")
        .api_info(case, "0.1.0")
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap();
    let read = |file: &str| std::fs::read_to_string(out.join(file)).unwrap();
    let outputs = [
        ("client.rs".to_owned(), read("client.rs")),
        ("index.js".to_owned(), read("js/index.js")),
        ("index.d.ts".to_owned(), read("js/index.d.ts")),
        ("browser.js".to_owned(), read("js/browser.js")),
        ("package.json".to_owned(), read("js/package.json")),
        ("openapi.json".to_owned(), read("openapi.json")),
        ("asyncapi.yaml".to_owned(), read("asyncapi.yaml")),
    ];
    std::fs::remove_dir_all(&out).ok();
    outputs
}

/// The pets example's blueprint models: their routes, typed queries and records.
#[test]
fn pets_example_matches_goldens() {
    let source = root().join("../../examples/pets/src");
    for (name, contents) in generate_from(source, "pets") {
        compare(&root().join("golden/pets").join(name), &contents);
    }
}

#[test]
fn serde_fixture_matches_goldens() {
    for (name, contents) in generate("serde") {
        compare(&root().join("golden/serde").join(name), &contents);
    }
}

/// The chat example's API: typed events, a resource, subscribing routes.
#[test]
fn chat_example_matches_goldens() {
    let source = root().join("../../examples/chat/src");
    for (name, contents) in generate_from(source, "chat") {
        compare(&root().join("golden/chat").join(name), &contents);
    }
}

/// Every parameter shape (path, omittable or required query, body): each `index.d.ts`
/// signature is valid TypeScript, checked by `tsc --strict` in `tests/node` (issue 21).
#[test]
fn parameter_shapes_match_goldens() {
    for (name, contents) in generate("shapes") {
        compare(&root().join("golden/shapes").join(name), &contents);
    }
}

/// Every validation rule, as JSON Schema keywords, doc lines and client checks (issue 21).
#[test]
fn validation_rules_match_goldens() {
    for (name, contents) in generate("rules") {
        compare(&root().join("golden/rules").join(name), &contents);
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate("serde"), generate("serde"));
    // The order files are given in does not matter either.
    let dir = root().join("fixtures/serde/src");
    let forward = sailroute_codegen::load(&[dir.join("routes.rs"), dir.join("types.rs")])
        .unwrap()
        .0;
    let backward = sailroute_codegen::load(&[dir.join("types.rs"), dir.join("routes.rs")])
        .unwrap()
        .0;
    assert_eq!(forward, backward);
}

#[test]
fn builder_writes_only_changed_files_and_reports_inputs() {
    let out = tempdir("builder");
    let build = || {
        sailroute_codegen::configure()
            .scan(root().join("fixtures/serde/src"))
            .rust_client("client.rs")
            .js_client("js")
            .out_dir(&out)
            .emit_rerun_if_changed(false)
            .compile()
            .unwrap()
    };
    let first = build();
    assert_eq!(first.written.len(), 5);
    assert_eq!(first.inputs.len(), 2);
    assert_eq!((first.routes, first.types), (9, 18));
    let modified = std::fs::metadata(out.join("client.rs"))
        .unwrap()
        .modified()
        .unwrap();
    let second = build();
    assert!(second.written.is_empty());
    assert_eq!(second.unchanged.len(), 5);
    assert_eq!(
        std::fs::metadata(out.join("client.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );

    // --check fails on drift and writes nothing.
    std::fs::write(out.join("js/index.d.ts"), "stale").unwrap();
    let drift = sailroute_codegen::configure()
        .scan(root().join("fixtures/serde/src"))
        .js_client("js")
        .out_dir(&out)
        .check(true)
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err();
    assert!(
        drift.to_string().contains("index.d.ts is out of date"),
        "{drift}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("js/index.d.ts")).unwrap(),
        "stale"
    );
}

/// Generates from one source file and returns the error text.
fn error_for(source: &str) -> String {
    let dir = tempdir(&format!(
        "err-{:x}",
        source.len() ^ source.as_bytes().iter().map(|&b| b as usize).sum::<usize>()
    ));
    let file = dir.join("api.rs");
    std::fs::write(&file, mounted(source)).unwrap();
    let err = sailroute_codegen::load(&[file]).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).ok();
    err
}

#[test]
fn unknown_types_are_errors_naming_file_line_and_type() {
    let err = error_for(
        "use sailroute::get;\n\n#[get(\"/a\")]\nasync fn a() -> Json<Missing> { unreachable!() }\n",
    );
    assert!(err.contains("api.rs:4:"), "{err}");
    assert!(err.contains("unknown type `Missing`"), "{err}");
    assert!(err.contains("handler `a`"), "{err}");

    // A field of a used type that nobody defines is reported at the field.
    let err = error_for(
        "#[get(\"/a\")]\nasync fn a() -> Json<Outer> { unreachable!() }\n\n#[derive(Serialize)]\nstruct Outer {\n    inner: Inner,\n}\n",
    );
    assert!(
        err.contains("unknown type `Inner`")
            && err.contains("used by the field `inner` of `Outer`"),
        "{err}"
    );
    assert!(err.contains("api.rs:6:5:"), "{err}");
}

#[test]
fn unsupported_types_are_errors() {
    let err = error_for(
        "#[derive(Serialize)]\nstruct S { f: fn() }\n#[get(\"/a\")]\nasync fn a() -> Json<S> { unreachable!() }\n",
    );
    assert!(
        err.contains("api.rs:2:") && err.contains("function pointer"),
        "{err}"
    );
    let err = error_for(
        "#[derive(Serialize)]\nstruct S { m: HashMap<Point, u8> }\n#[get(\"/a\")]\nasync fn a() -> Json<S> { unreachable!() }\n",
    );
    assert!(err.contains("map's key type"), "{err}");
}

#[test]
fn cross_route_checks() {
    let err = error_for(
        "#[get(\"/u/:id\")]\nasync fn a(Path(id): Path<u8>) {}\n#[get(\"/u/{other}\")]\nasync fn b(Path(o): Path<u8>) {}\n",
    );
    assert!(err.contains("both handle GET /u/:"), "{err}");
    let err = error_for(
        "mod x {\n#[get(\"/a\")]\nasync fn same() {}\n}\n#[post(\"/b\")]\nasync fn same() {}\n",
    );
    assert!(err.contains("two handlers are named `same`"), "{err}");
    let err = error_for(
        "#[derive(Serialize)]\nstruct T;\nmod m {\n#[derive(Serialize)]\nstruct T(u8);\n}\n#[get(\"/a\")]\nasync fn a() -> Json<T> { unreachable!() }\n",
    );
    assert!(err.contains("two serde types are named `T`"), "{err}");
    let err = error_for(
        "#[derive(Serialize)]\nstruct P { x: u8 }\n#[get(\"/a/:y\")]\nasync fn a(Path(p): Path<P>) {}\n",
    );
    assert!(err.contains("`P` has no field `y`"), "{err}");
}

#[test]
fn reserved_names_are_refused() {
    let dir = tempdir("reserved");
    let file = dir.join("api.rs");
    std::fs::write(&file, mounted("#[derive(Serialize)]\nstruct Client { a: u8 }\n#[get(\"/a\")]\nasync fn a() -> Json<Client> { unreachable!() }\n")).unwrap();
    let build = |configure: fn(sailroute_codegen::Builder) -> sailroute_codegen::Builder| {
        configure(
            sailroute_codegen::configure()
                .scan(&file)
                .out_dir(&dir)
                .emit_rerun_if_changed(false),
        )
        .compile()
    };
    let err = build(|b| b.rust_client("client.rs"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`Client` is taken"), "{err}");
    assert!(build(|b| b.js_client("js")).is_err());
    // Mapping the type to an existing one resolves it for Rust.
    build(|b| {
        b.rust_client("client.rs")
            .map_type("Client", "other::Client")
    })
    .unwrap();
    let rust = std::fs::read_to_string(dir.join("client.rs")).unwrap();
    assert!(
        rust.contains("other::Client,") && !rust.contains("pub struct Client {\n    pub a"),
        "{rust}"
    );
}
