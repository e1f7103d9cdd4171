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

/// The pets example's generated client: blueprint routes with typed queries, compiled and
/// driven against the pets server by `tests/pets.rs`.
///
/// A condition on an attribute the model does not have does not compile:
///
/// ```compile_fail,E0560
/// let _ = fixtures_client::pets::UserWhere { nmae: None, ..Default::default() };
/// ```
///
/// nor does an operator the attribute's type does not allow (`contains` on a number):
///
/// ```compile_fail,E0560
/// let _ = fixtures_client::pets::WhereIntegerOps { contains: None, ..Default::default() };
/// ```
///
/// nor a sort key or a `populate` name that is not one:
///
/// ```compile_fail,E0599
/// let _ = fixtures_client::pets::UserSort::Nmae(fixtures_client::pets::SortDirection::Asc);
/// ```
///
/// ```compile_fail,E0599
/// let _ = fixtures_client::pets::UserAssociation::Owner;
/// ```
///
/// while the right names do:
///
/// ```
/// use fixtures_client::pets::*;
/// let _ = UserWhere { name: Some(WhereString::Is("scott".into())), ..Default::default() };
/// let _ = WhereStringOps { contains: Some("sc".into()), ..Default::default() };
/// let _ = UserSort::Name(SortDirection::Asc);
/// let _ = UserAssociation::Pets;
/// ```
pub mod pets {
    include!("../../../codegen/tests/golden/pets/client.rs");
}
