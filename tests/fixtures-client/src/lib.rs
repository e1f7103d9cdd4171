//! The golden Rust client generated from `codegen/tests/fixtures/serde`, compiled: if the
//! generator emits code that does not build (or warns under the workspace lints), this
//! crate fails.

include!("../../../codegen/tests/golden/serde/client.rs");
