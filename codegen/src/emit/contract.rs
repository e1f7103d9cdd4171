//! The contract file: the API the clients are generated from — mounted routes, types,
//! events, resources, and the types declared outside the scanned source — as versioned,
//! deterministic JSON. A client in another repository is generated from it alone.

use std::collections::BTreeMap;

use sailroute_ir::model::Api;

use crate::Error;

pub(crate) use sailroute_ir::contract::{Contract, External, FORMAT, VERSION};

/// The contract file's text for `api`: pretty JSON with a final newline, keys in a fixed
/// order, so that the same API always gives the same bytes.
pub(crate) fn render(api: &Api, externals: &BTreeMap<String, External>) -> Result<String, Error> {
    let contract = Contract {
        format: FORMAT.to_owned(),
        version: VERSION,
        externals: externals.clone(),
        api: api.clone(),
    };
    let mut text = serde_json::to_string_pretty(&contract).map_err(|e| Error::Render {
        what: "the contract file",
        message: e.to_string(),
        source: Box::new(e),
    })?;
    text.push('\n');
    Ok(text)
}

/// Reads a contract file's text; `source` names it in errors.
pub(crate) fn parse(source: &str, text: &str) -> Result<Contract, Error> {
    sailroute_ir::contract::parse(source, text).map_err(|e| Error::Config(e.to_string()))
}

/// The contract file: refused when it is not one, or of a version this generator does not
/// read; written deterministically; not combined with scanning.
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn foreign_or_future_files_are_refused_with_what_to_do() {
        let not_json = parse("api.json", "{").unwrap_err().to_string();
        assert!(
            not_json.starts_with("api.json: not a contract file"),
            "{not_json}"
        );
        let other = parse("api.json", r#"{"openapi": "3.1.0"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            other.contains("no `\"format\": \"sailroute-contract\"`"),
            "{other}"
        );
        let future = parse(
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
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serde/src");
        let (api, _) = crate::load(std::slice::from_ref(&root)).unwrap();
        let text = render(&api, &Default::default()).unwrap();
        assert_eq!(text, render(&api, &Default::default()).unwrap());
        let back = parse("api.json", &text).unwrap();
        // Source locations stay out of a contract; everything else survives the round trip.
        assert!(render(&back.api, &back.externals).unwrap() == text);
        assert_eq!(back.api.routes.len(), api.routes.len());
        assert!(
            !text.contains(root.to_str().unwrap()),
            "no machine paths in a contract"
        );

        let dir = std::env::temp_dir().join(format!("sailroute-contract-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("api.json"), &text).unwrap();
        let both = crate::configure()
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
}
