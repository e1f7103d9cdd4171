//! A model's table and the statements that change its records, built with sea-query for
//! SQLite or PostgreSQL like [`select`](super::select): `CREATE TABLE IF NOT EXISTS`, and an
//! `INSERT … RETURNING`, `UPDATE` and `DELETE` of one record by its primary key. Values are
//! checked against the attributes' types first (the same check as criteria's), so a record
//! with an unknown attribute or a value of the wrong type is a [`CriteriaError`], never a
//! database error or a silently dropped key (Sails drops unknown attributes).

use sea_query::{Alias, ColumnDef, Expr, PostgresQueryBuilder, Query, SqliteQueryBuilder, Table};
use sea_query_binder::{SqlxBinder, SqlxValues};
use serde_json::{Map, Value};

use super::{Backend, bind};
use crate::blueprints::criteria::{CriteriaError, checked_value};
use crate::blueprints::schema::{AttrType, Attribute, ModelSchema};

/// `CREATE TABLE IF NOT EXISTS` for the model: an auto-increment integer primary key, and a
/// nullable column per other attribute (JSON as text, as [`select`](super::select) compares
/// it).
pub fn create_table(table: &str, model: &ModelSchema, backend: Backend) -> String {
    let mut statement = Table::create();
    statement.table(Alias::new(table)).if_not_exists();
    for attr in &model.attributes {
        let mut column = column(attr, backend);
        if attr.name == model.primary_key {
            column.not_null().auto_increment().primary_key();
        }
        statement.col(&mut column);
    }
    match backend {
        Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
        Backend::Postgres => statement.to_string(PostgresQueryBuilder),
    }
}

/// The column of an attribute (nullable). A boolean is an integer on SQLite: sqlx's `Any`
/// driver, which the model API runs on, reads no SQLite `BOOLEAN` column.
pub fn column(attr: &Attribute, backend: Backend) -> ColumnDef {
    let mut column = ColumnDef::new(Alias::new(&attr.name));
    match (attr.ty, backend) {
        (AttrType::Integer, _) | (AttrType::Boolean, Backend::Sqlite) => column.big_integer(),
        (AttrType::Number, _) => column.double(),
        (AttrType::Boolean, _) => column.boolean(),
        (AttrType::String | AttrType::Json, _) => column.text(),
    };
    column
}

/// The record's values, checked and bound, in the model's attribute order. The primary key is
/// the database's to assign and may not be given.
fn values(
    model: &ModelSchema,
    record: &Map<String, Value>,
) -> Result<Vec<(String, sea_query::Value)>, CriteriaError> {
    for key in record.keys() {
        if model.attribute(key).is_none() || *key == model.primary_key {
            return Err(CriteriaError::UnknownAttribute {
                model: model.identity.clone(),
                name: key.clone(),
                place: "the record".to_owned(),
            });
        }
    }
    model
        .attributes
        .iter()
        .filter_map(|attr| record.get(&attr.name).map(|value| (attr, value)))
        .map(|(attr, value)| {
            let value = checked_value(&attr.name, attr.ty, value)?;
            Ok((attr.name.clone(), bind(attr.ty, &value)))
        })
        .collect()
}

/// `INSERT` of one record, `RETURNING` its primary key.
pub fn insert(
    table: &str,
    model: &ModelSchema,
    record: &Map<String, Value>,
    backend: Backend,
) -> Result<(String, SqlxValues), CriteriaError> {
    let values = values(model, record)?;
    let mut statement = Query::insert();
    statement.into_table(Alias::new(table));
    if values.is_empty() {
        statement.or_default_values();
    } else {
        statement.columns(values.iter().map(|(name, _)| Alias::new(name)));
        statement.values_panic(values.into_iter().map(|(_, v)| Expr::val(v).into()));
    }
    statement.returning_col(Alias::new(&model.primary_key));
    Ok(match backend {
        Backend::Sqlite => statement.build_sqlx(SqliteQueryBuilder),
        Backend::Postgres => statement.build_sqlx(PostgresQueryBuilder),
    })
}

/// `UPDATE` of the record whose primary key is `id`, setting the given attributes; `None`
/// when there is nothing to set.
pub fn update(
    table: &str,
    model: &ModelSchema,
    id: i64,
    changes: &Map<String, Value>,
    backend: Backend,
) -> Result<Option<(String, SqlxValues)>, CriteriaError> {
    let values = values(model, changes)?;
    if values.is_empty() {
        return Ok(None);
    }
    let mut statement = Query::update();
    statement.table(Alias::new(table));
    for (name, value) in values {
        statement.value(Alias::new(name), value);
    }
    statement.and_where(Expr::col(Alias::new(&model.primary_key)).eq(id));
    Ok(Some(match backend {
        Backend::Sqlite => statement.build_sqlx(SqliteQueryBuilder),
        Backend::Postgres => statement.build_sqlx(PostgresQueryBuilder),
    }))
}

/// `DELETE` of the record whose primary key is `id`.
pub fn delete(table: &str, model: &ModelSchema, id: i64, backend: Backend) -> (String, SqlxValues) {
    let mut statement = Query::delete();
    statement
        .from_table(Alias::new(table))
        .and_where(Expr::col(Alias::new(&model.primary_key)).eq(id));
    match backend {
        Backend::Sqlite => statement.build_sqlx(SqliteQueryBuilder),
        Backend::Postgres => statement.build_sqlx(PostgresQueryBuilder),
    }
}
