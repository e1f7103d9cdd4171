//! Checked [`Criteria`] as one `SELECT`, built with sea-query for SQLite or PostgreSQL (no SQL
//! is written by concatenation: identifiers are quoted and values bound by the builder) and
//! bound for sqlx with sea-query-binder.
//!
//! Where databases differ, the statement makes them agree, with Sails' in-memory adapter
//! (sails-disk) as the reference: `!=` and `nin` keep records whose attribute is null;
//! `contains`, `startsWith` and `endsWith` match their text literally (`%` and `_` are
//! escaped) and, like SQLite's `LIKE`, ignore ASCII case (`ILIKE` on PostgreSQL); records
//! come in primary-key order unless `sort` says otherwise, and null sorts as the smallest
//! value. String order is the database's (SQLite compares bytes, PostgreSQL its collation).

use sea_query::extension::postgres::PgExpr;
use sea_query::{
    Alias, Asterisk, Condition, Expr, Func, LikeExpr, NullOrdering, Order, PostgresQueryBuilder,
    Query, SelectStatement, SimpleExpr, SqliteQueryBuilder,
};
use sea_query_binder::{SqlxBinder, SqlxValues};
use serde_json::Value;

use super::criteria::{Criteria, Direction, Op, Where};
use super::schema::{AttrType, ModelSchema};

mod write;

pub use write::{column, create_table, delete, insert, update};

/// Which SQL to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (the embedded default).
    Sqlite,
    /// PostgreSQL (for several nodes).
    Postgres,
}

/// The `SELECT` of `criteria` from `table`, with its bound values.
pub fn select(
    table: &str,
    model: &ModelSchema,
    criteria: &Criteria,
    backend: Backend,
) -> (String, SqlxValues) {
    let query = select_statement(table, model, criteria, backend);
    match backend {
        Backend::Sqlite => query.build_sqlx(SqliteQueryBuilder),
        Backend::Postgres => query.build_sqlx(PostgresQueryBuilder),
    }
}

/// The most attributes [`select_json`] takes: SQLite's `json_object` is a function of at most
/// 127 arguments (its default `SQLITE_MAX_FUNCTION_ARG`), two per attribute.
pub const JSON_SELECT_MAX_ATTRIBUTES: usize = 63;

/// For SQLite: the records of [`select`] as one row, one column, a JSON array of objects
/// (`json_group_array(json_object('id', "id", …))` over the ordered, limited `SELECT`), or
/// `None` when that row could not carry them exactly: more than
/// [`JSON_SELECT_MAX_ATTRIBUTES`] attributes, or a `Number` attribute among those selected
/// (SQLite writes a double into JSON with 15 significant digits, so `0.1 + 0.2` would read
/// back as `0.3`, and an infinity as `Inf`, which is not JSON).
///
/// Why: sqlx runs each SQLite connection on a thread of its own and hands every row back over
/// a channel, each hand-off a wake-up of both threads; a `find` of 100 records spent half of
/// its CPU there (docs/benchmarks.md). One row is one hand-off. The aggregate reads the
/// inner `SELECT`'s rows in its order: a `SELECT` with `LIMIT` beneath an aggregate is run as
/// a co-routine, never flattened into it, so `ORDER BY` holds (the sort tests cover it).
/// Values come back as SQLite holds them (booleans as 0 and 1, JSON as its text, a whole
/// double as `30.0`): the caller reads each by its attribute's type, as it reads a row.
pub fn select_json(
    table: &str,
    model: &ModelSchema,
    criteria: &Criteria,
) -> Option<(String, SqlxValues)> {
    let columns = columns(model, criteria);
    let exact = columns.iter().all(|column| {
        model
            .attribute(column)
            .is_none_or(|a| a.ty != AttrType::Number)
    });
    if columns.len() > JSON_SELECT_MAX_ATTRIBUTES || !exact {
        return None;
    }
    let inner = select_statement(table, model, criteria, Backend::Sqlite);
    let object = Func::cust(Alias::new("json_object")).args(columns.iter().flat_map(|column| {
        [
            SimpleExpr::from(Expr::val(*column)),
            Expr::col(Alias::new(*column)).into(),
        ]
    }));
    let mut query = Query::select();
    query
        .expr_as(
            Func::cust(Alias::new("json_group_array")).arg(object),
            Alias::new("records"),
        )
        .from_subquery(inner, Alias::new("found"));
    Some(query.build_sqlx(SqliteQueryBuilder))
}

/// The statement of [`select`], to be built for `backend` or nested.
fn select_statement(
    table: &str,
    model: &ModelSchema,
    criteria: &Criteria,
    backend: Backend,
) -> SelectStatement {
    let mut query = Query::select();
    query.from(Alias::new(table));
    for column in columns(model, criteria) {
        // Named explicitly: SQLite names a result column after the text of its expression
        // when it pleases (a column added by `ALTER TABLE` came back as `"age"`, quotes and
        // all).
        query.expr_as(Expr::col(Alias::new(column)), Alias::new(column));
    }
    query.cond_where(filter(model, criteria, backend));
    for sort in &criteria.sort {
        // Null is the smallest value on every backend (PostgreSQL's default is the largest).
        let (order, nulls) = match sort.direction {
            Direction::Asc => (Order::Asc, NullOrdering::First),
            Direction::Desc => (Order::Desc, NullOrdering::Last),
        };
        query.order_by_with_nulls(Alias::new(&sort.attr), order, nulls);
    }
    // Ties (and no sort) in primary-key order: the same page twice is the same records.
    if !criteria.sort.iter().any(|s| s.attr == model.primary_key) {
        query.order_by(Alias::new(&model.primary_key), Order::Asc);
    }
    query.limit(criteria.limit).offset(criteria.skip);
    query
}

/// `SELECT COUNT(*)` of the records `criteria`'s filter finds (its sort, paging and
/// projection do not count).
pub fn count(
    table: &str,
    model: &ModelSchema,
    criteria: &Criteria,
    backend: Backend,
) -> (String, SqlxValues) {
    let mut query = Query::select();
    query
        .from(Alias::new(table))
        .expr(Expr::col(Asterisk).count())
        .cond_where(filter(model, criteria, backend));
    match backend {
        Backend::Sqlite => query.build_sqlx(SqliteQueryBuilder),
        Backend::Postgres => query.build_sqlx(PostgresQueryBuilder),
    }
}

/// Every condition of `criteria`, all of which must hold.
fn filter(model: &ModelSchema, criteria: &Criteria, backend: Backend) -> Condition {
    criteria
        .filter
        .iter()
        .fold(Condition::all(), |all, w| all.add(expr(model, w, backend)))
}

/// The attributes to read: `select` (with the primary key), every one but `omit`, or all.
fn columns<'m>(model: &'m ModelSchema, criteria: &Criteria) -> Vec<&'m str> {
    model
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .filter(|name| match &criteria.select {
            Some(selected) => *name == model.primary_key || selected.iter().any(|s| s == name),
            None => !criteria.omit.iter().any(|o| o == name),
        })
        .collect()
}

fn expr(model: &ModelSchema, condition: &Where, backend: Backend) -> Condition {
    match condition {
        Where::And(all) => all
            .iter()
            .fold(Condition::all(), |c, w| c.add(expr(model, w, backend))),
        // `or: []` matches nothing: an empty `any` is false.
        Where::Or(any) => any
            .iter()
            .fold(Condition::any(), |c, w| c.add(expr(model, w, backend))),
        Where::Cmp { attr, op, value } => {
            let ty = model.attribute(attr).map_or(AttrType::Json, |a| a.ty);
            Condition::all().add(cmp(attr, ty, *op, value, backend))
        }
    }
}

fn cmp(attr: &str, ty: AttrType, op: Op, value: &Value, backend: Backend) -> SimpleExpr {
    let col = || Expr::col(Alias::new(attr));
    let bound = |v: &Value| bind(ty, v);
    match op {
        Op::Eq if value.is_null() => col().is_null(),
        Op::Eq => col().eq(bound(value)),
        Op::Ne if value.is_null() => col().is_not_null(),
        Op::Ne => col().ne(bound(value)).or(col().is_null()),
        Op::Lt => col().lt(bound(value)),
        Op::Le => col().lte(bound(value)),
        Op::Gt => col().gt(bound(value)),
        Op::Ge => col().gte(bound(value)),
        Op::In | Op::Nin => {
            let items: Vec<sea_query::Value> = value
                .as_array()
                .map(|items| items.iter().map(bound).collect())
                .unwrap_or_default();
            match (op, items.is_empty()) {
                (Op::In, true) => Expr::val(1).eq(0),
                (Op::In, false) => col().is_in(items),
                (_, true) => Expr::val(1).eq(1),
                (_, false) => col().is_not_in(items).or(col().is_null()),
            }
        }
        Op::Contains | Op::StartsWith | Op::EndsWith | Op::Like => {
            let text = value.as_str().unwrap_or_default();
            let pattern = match op {
                Op::Contains => format!("%{}%", escape(text)),
                Op::StartsWith => format!("{}%", escape(text)),
                Op::EndsWith => format!("%{}", escape(text)),
                _ => text.to_owned(),
            };
            match backend {
                // SQLite has no escape character unless one is named.
                Backend::Sqlite => col().like(LikeExpr::new(pattern).escape('\\')),
                // PostgreSQL's is the backslash already.
                Backend::Postgres => col().ilike(LikeExpr::new(pattern)),
            }
        }
    }
}

/// `text` matched literally inside a `LIKE` pattern whose escape is `\`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A checked value as the database stores the attribute's type: a whole number as a 64-bit
/// integer (so a primary key's index serves it), any other number as a double, JSON as its
/// text. One Rust type per attribute type also keeps a statement's parameter types the same
/// from one call to the next: sqlx caches a prepared statement by its text, and a PostgreSQL
/// statement prepared for an `int8` parameter read a later `25.75` as garbage (seen in the
/// tests below, when the type followed the value).
pub(super) fn bind(ty: AttrType, value: &Value) -> sea_query::Value {
    match (ty, value) {
        // SQL's null, not the JSON text `null`, typed as the column is: PostgreSQL refuses a
        // text null written into a `BIGINT` column.
        (AttrType::Integer, Value::Null) => sea_query::Value::BigInt(None),
        (AttrType::Number, Value::Null) => sea_query::Value::Double(None),
        (AttrType::Boolean, Value::Null) => sea_query::Value::Bool(None),
        (_, Value::Null) => sea_query::Value::String(None),
        (AttrType::Json, v) => v.to_string().into(),
        (_, Value::Bool(b)) => (*b).into(),
        (AttrType::Integer, Value::Number(n)) => n.as_i64().unwrap_or_default().into(),
        (_, Value::Number(n)) => n.as_f64().unwrap_or_default().into(),
        (_, Value::String(s)) => s.clone().into(),
        (_, other) => other.to_string().into(),
    }
}

#[cfg(test)]
mod tests;
