//! The contract file: refused when it is not one, or of a version this generator does not
//! read; written deterministically; not combined with scanning.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use sailroute_codegen::emit::contract;

#[test]
fn foreign_or_future_files_are_refused_with_what_to_do() {
    let not_json = contract::parse("api.json", "{").unwrap_err().to_string();
    assert!(
        not_json.starts_with("api.json: not a contract file"),
        "{not_json}"
    );
    let other = contract::parse("api.json", r#"{"openapi": "3.1.0"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        other.contains("no `\"format\": \"sailroute-contract\"`"),
        "{other}"
    );
    let future = contract::parse(
        "api.json",
        r#"{"format": "sailroute-contract", "version": 9, "api": {}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        future.contains("contract version 9 is not one this sailroute reads (it reads 1)"),
        "{future}"
    );
}

#[test]
fn a_contract_round_trips_and_reads_alone() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serde/src");
    let (api, _) = sailroute_codegen::load(std::slice::from_ref(&root)).unwrap();
    let text = contract::render(&api, &Default::default()).unwrap();
    assert_eq!(text, contract::render(&api, &Default::default()).unwrap());
    let back = contract::parse("api.json", &text).unwrap();
    // Source locations stay out of a contract; everything else survives the round trip.
    assert!(contract::render(&back.api, &back.externals).unwrap() == text);
    assert_eq!(back.api.routes.len(), api.routes.len());
    assert!(
        !text.contains(root.to_str().unwrap()),
        "no machine paths in a contract"
    );

    let dir = std::env::temp_dir().join(format!("sailroute-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("api.json"), &text).unwrap();
    let both = sailroute_codegen::configure()
        .scan(&root)
        .contract(dir.join("api.json"))
        .out_dir(&dir)
        .js_client("js")
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err()
        .to_string();
    assert!(both.contains("not both"), "{both}");
    std::fs::remove_dir_all(&dir).ok();
}
