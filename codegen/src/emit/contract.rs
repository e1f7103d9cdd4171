//! The contract file: the API the clients are generated from — mounted routes, types,
//! events, resources, and the types declared outside the scanned source — as versioned,
//! deterministic JSON. A client in another repository is generated from it alone.

use std::collections::BTreeMap;

use sailroute_ir::model::Api;

use crate::Error;

pub use sailroute_ir::contract::{Contract, External, FORMAT, VERSION};

/// The contract file's text for `api`: pretty JSON with a final newline, keys in a fixed
/// order, so that the same API always gives the same bytes.
pub fn render(api: &Api, externals: &BTreeMap<String, External>) -> Result<String, Error> {
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
pub fn parse(source: &str, text: &str) -> Result<Contract, Error> {
    sailroute_ir::contract::parse(source, text).map_err(|e| Error::Config(e.to_string()))
}
