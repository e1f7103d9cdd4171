//! API compatibility on the wire (the `contract` feature): a server given its contract file
//! checks every client that says which contract it was generated from.
//!
//! Generated clients send their contract's hash in the [`CONTRACT_HEADER`] header of every
//! request (HTTP and virtual requests alike) and, for the Rust client, in the
//! [`CONTRACT_QUERY`] parameter of the Socket.IO handshake. A client with the server's own
//! hash is served. A client with another hash is compared with the server's API — which
//! needs that client's contract: the server knows the ones given to
//! [`ServerBuilder::accept_contract`](crate::ServerBuilder::accept_contract) (the contracts of
//! releases whose clients are still out there) — and what happens then is the app's choice
//! ([`OnIncompatible`]):
//!
//! * **refuse** (the default): the request is answered `409` with
//!   `{"error": "incompatible_contract", "message": …, "problems": […], "contract": <server's hash>}`,
//!   which generated clients turn into their typed `Incompatible` error; a handshake is
//!   refused with a Socket.IO connect error whose message starts `incompatible contract:`.
//! * **log**: served, with a warning (once per client contract).
//!
//! The check runs in the runtime's guard, before the application's router and its layers: a
//! browser page calling this server from another origin over `fetch` does not see the `409`
//! (the app's CORS layer never answers it), and gets a transport error instead.
//!
//! A client whose contract is compatible (it calls only routes still served, sends only what
//! the server reads, reads everything the server answers; see `sailroute_ir::compat`) is
//! served either way. A contract the server was never given cannot be vouched for: it counts
//! as incompatible. Clients that send no hash (sails.io.js, curl, a hand-written client) are
//! not checked.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use sailroute_ir::model::Api;

/// The request header carrying a client's contract hash.
pub const CONTRACT_HEADER: &str = "x-sailroute-contract";
/// The Socket.IO handshake query parameter carrying a client's contract hash.
pub const CONTRACT_QUERY: &str = "sailroute_contract";
/// The `error` of a refusal's JSON body.
pub const INCOMPATIBLE: &str = "incompatible_contract";
/// How a refused handshake's connect error message starts.
pub const INCOMPATIBLE_HANDSHAKE: &str = "incompatible contract:";
/// How many distinct client contracts [`OnIncompatible::Log`] warns about; any client can
/// send any hash, so the set of those already logged is bounded.
const LOGGED_MAX: usize = 1024;

/// A contract file, read: the API it describes and that API's hash on the wire.
#[derive(Debug, Clone)]
pub struct Contract {
    hash: String,
    api: Arc<Api>,
}

impl Contract {
    /// Reads a contract file's text (what `sailroute-codegen --write-contract` writes), e.g.
    /// `Contract::from_json(include_str!("../api.json"))`. Fails on a file that is not a
    /// contract, or of a version this crate does not read.
    pub fn from_json(text: &str) -> Result<Contract, ContractError> {
        let contract = sailroute_ir::contract::parse("the contract", text)
            .map_err(|e| ContractError(e.to_string()))?;
        Ok(Contract {
            hash: sailroute_ir::compat::contract_hash(&contract.api),
            api: Arc::new(contract.api),
        })
    }

    /// The hash generated clients of this contract send.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// A text that is not a contract file this version reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ContractError(String);

/// What a server does with a client generated from an incompatible (or unknown) contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnIncompatible {
    /// Answer its requests `409` and refuse its handshakes (the default).
    #[default]
    Refuse,
    /// Serve it, and log a warning once per client contract.
    Log,
}

/// The server's side: its own hash, and a verdict for every contract it was given.
#[derive(Debug)]
pub(crate) struct Compatibility {
    own: String,
    /// Problems per known client hash; empty when compatible.
    known: HashMap<String, Arc<[String]>>,
    on_incompatible: OnIncompatible,
    /// Client hashes already logged (with [`OnIncompatible::Log`]).
    logged: Mutex<HashSet<String>>,
}

/// Why a client is refused.
pub(crate) struct Refused {
    message: String,
    problems: Arc<[String]>,
    own: String,
}

impl Compatibility {
    pub(crate) fn new(
        own: &Contract,
        accepted: &[Contract],
        on_incompatible: OnIncompatible,
    ) -> Self {
        let known = accepted
            .iter()
            .filter(|c| c.hash != own.hash)
            .map(|c| {
                let problems = sailroute_ir::compat::incompatibilities(&c.api, &own.api);
                (c.hash.clone(), Arc::from(problems))
            })
            .collect();
        Compatibility {
            own: own.hash.clone(),
            known,
            on_incompatible,
            logged: Mutex::new(HashSet::new()),
        }
    }

    /// Whether a client that sent `hash` is served; `Err` with why when it is refused.
    pub(crate) fn check(&self, hash: &str) -> Result<(), Refused> {
        if hash == self.own {
            return Ok(());
        }
        let (message, problems) = match self.known.get(hash) {
            Some(problems) if problems.is_empty() => return Ok(()),
            Some(problems) => (
                format!(
                    "the client was generated from contract {hash}, which this server's contract {own} does not serve: {}; regenerate the client from the server's contract",
                    problems.join("; "),
                    own = self.own
                ),
                problems.clone(),
            ),
            None => (
                format!(
                    "the client was generated from contract {hash}, which this server (contract {own}) does not know: regenerate the client from the server's contract, or give the server that contract with `accept_contract`",
                    own = self.own
                ),
                Arc::from(Vec::new()),
            ),
        };
        match self.on_incompatible {
            OnIncompatible::Refuse => Err(Refused {
                message,
                problems,
                own: self.own.clone(),
            }),
            OnIncompatible::Log => {
                let first = self
                    .logged
                    .lock()
                    .map(|mut seen| seen.len() < LOGGED_MAX && seen.insert(hash.to_owned()))
                    .unwrap_or(false);
                if first {
                    tracing::warn!("{message} (served: on_incompatible is Log)");
                }
                Ok(())
            }
        }
    }
}

impl Refused {
    /// The text of a refused handshake's connect error.
    pub(crate) fn handshake_message(&self) -> String {
        format!("{INCOMPATIBLE_HANDSHAKE} {}", self.message)
    }

    /// The `409` answer to a refused request.
    pub(crate) fn response(&self) -> Response {
        (
            StatusCode::CONFLICT,
            axum::Json(serde_json::json!({
                "error": INCOMPATIBLE,
                "message": self.message,
                "problems": &*self.problems,
                "contract": self.own,
            })),
        )
            .into_response()
    }
}
