//! The contract file: the API the clients are generated from — mounted routes, types,
//! events, resources, and the types declared outside the scanned source — as versioned,
//! deterministic JSON. `sailroute-codegen` writes and reads it; a server given its contract
//! (the `contract` feature of `sailroute`) reads it to check clients on the wire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Api;

/// The format's name, first in every contract file.
pub const FORMAT: &str = "sailroute-contract";
/// The format's version; a reader refuses versions it does not know.
pub const VERSION: u32 = 1;

/// A type declared outside the scanned source, as the generator was told
/// (`map_type` / `ts_type` / `extern_type`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct External {
    /// Its Rust path, for the Rust client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    /// Its TypeScript type, for the JavaScript client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typescript: Option<String>,
}

/// What a contract file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version, [`VERSION`] when written by this generator.
    pub version: u32,
    /// Types declared outside the scanned source, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub externals: BTreeMap<String, External>,
    /// The API.
    pub api: Api,
}

/// Why a text is not a contract this version reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ContractError {
    /// The file (or other source) read.
    pub source_name: String,
    /// What is wrong, and what to do.
    pub message: String,
}

/// Reads a contract file's text; `source` names it in errors.
pub fn parse(source: &str, text: &str) -> Result<Contract, ContractError> {
    let invalid = |message: String| ContractError {
        source_name: source.to_owned(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not a contract file: {e}")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(format!(
            "not a contract file: it has no `\"format\": \"{FORMAT}\"`"
        )));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(invalid(format!(
                "contract version {v} is not one this sailroute reads (it reads {VERSION}): use the sailroute-codegen that wrote it, or regenerate the contract"
            )));
        }
        None => return Err(invalid("the contract has no version".to_owned())),
    }
    serde_json::from_value(value).map_err(|e| invalid(format!("a malformed contract: {e}")))
}
