//! The golden Rust client generated from `codegen/tests/fixtures/serde`, compiled: if the
//! generator emits code that does not build (or warns under the workspace lints), this
//! crate fails.

include!("../../../codegen/tests/golden/serde/client.rs");

/// The chat example's generated client (typed events, a resource, subscribing routes),
/// compiled and driven against the chat server by `tests/chat.rs`.
pub mod chat {
    include!("../../../codegen/tests/golden/chat/client.rs");
}

/// The client generated from `codegen/tests/fixtures/rules`: every validation rule as a local
/// check, compiled and run by `tests/rules.rs`.
pub mod rules {
    include!("../../../codegen/tests/golden/rules/client.rs");
}
