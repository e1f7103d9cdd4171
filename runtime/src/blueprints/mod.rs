//! Sails' blueprint query language, read and checked against a model's attributes.
//!
//! A blueprint `find` takes its criteria from the query string, as Sails 1.x does: `where` as
//! JSON, attribute shorthand (`?name=scott`), `sort` (`name asc`, `{"name":-1}`,
//! `[{"name":"DESC"}]`), `skip`, `limit`, `select` / `omit` (comma lists) and `populate`.
//! [`Criteria::from_query`] reads all of it into a typed [`Criteria`] whose every attribute,
//! operator and value has been checked against the model's [`ModelSchema`]: what does not fit
//! is a [`CriteriaError`] that names the problem (a 400 on the wire), never a query that fails
//! later. Data flows one way: query pairs → `criteria` (parse and check) → `sql` (one
//! `SELECT` for SQLite or PostgreSQL, with the `blueprints` feature) → the database.

#[cfg(feature = "blueprints")]
mod api;
mod criteria;
#[cfg(feature = "blueprints")]
mod error;
mod model;
#[cfg(feature = "blueprints")]
mod publish;
#[cfg(feature = "blueprints")]
mod routes;
mod schema;
#[cfg(feature = "blueprints")]
pub mod sql;
#[cfg(feature = "blueprints")]
mod store;

#[cfg(feature = "blueprints")]
pub use api::{ModelRef, Record};
pub use criteria::{Criteria, CriteriaError, Direction, Limits, Op, Populate, Sort, Where};
#[cfg(feature = "blueprints")]
pub use error::ModelError;
pub use model::{Action, Association, AssociationKind, CREATED_AT, Model, ModelType, UPDATED_AT};
#[cfg(feature = "blueprints")]
pub use publish::Publish;
pub use schema::{AttrType, Attribute, ModelSchema};
#[cfg(feature = "blueprints")]
pub use store::Models;
