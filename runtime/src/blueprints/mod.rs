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

mod criteria;
mod schema;
#[cfg(feature = "blueprints")]
pub mod sql;

pub use criteria::{Criteria, CriteriaError, Direction, Limits, Op, Populate, Sort, Where};
pub use schema::{AttrType, Attribute, ModelSchema};
