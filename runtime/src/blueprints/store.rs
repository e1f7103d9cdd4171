//! [`Models`]: the declared models on one database: connecting, creating and migrating their
//! tables, and reading records (with their associations populated) as JSON objects.
//!
//! One sqlx `AnyPool` serves SQLite and PostgreSQL alike, so a transaction is written once for
//! both; the statements themselves come from [`sql`](super::sql), per backend.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sea_query::{Alias, Index, PostgresQueryBuilder, SqliteQueryBuilder, Table};
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Column, Row};

use super::criteria::{Criteria, Op, Populate, Where};
use super::error::ModelError;
use super::model::{AssociationKind, CREATED_AT, Model, UPDATED_AT};
use super::schema::{AttrType, ModelSchema};
use super::sql::{self, Backend};

/// The declared models, on one database. Cheap to clone; serve its blueprint routes with
/// [`Models::routes`], and reach one model's API with [`Models::model`].
#[derive(Clone, Debug)]
pub struct Models {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    pub(crate) entries: Vec<Entry>,
    pub(crate) junctions: Vec<Junction>,
}

/// The join table of a many-to-many pair of collections (`User.groups` via `Group.members`):
/// one row per pair of records, a column per side named `<identity>_<collection>` as Sails
/// names them, holding that side's record id.
#[derive(Debug)]
pub(crate) struct Junction {
    pub(crate) table: String,
    pub(crate) schema: ModelSchema,
    /// Each side: its model, its collection, its column.
    pub(crate) sides: [(usize, String, String); 2],
}

/// A model with what is derived from it once.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) def: Model,
    pub(crate) schema: ModelSchema,
}

impl Models {
    /// Connects to `url` and makes the tables fit the models: a missing table is created, a
    /// missing column added (nothing is ever dropped).
    ///
    /// `sqlite:app.db` (created when missing), `sqlite::memory:` (one connection, gone when
    /// the `Models` are), or `postgres://user@host/db`.
    pub async fn connect(
        url: &str,
        models: impl IntoIterator<Item = Model>,
    ) -> Result<Models, ModelError> {
        let entries: Vec<Entry> = models
            .into_iter()
            .map(|def| Entry {
                schema: def.schema(),
                def,
            })
            .collect();
        check_declarations(&entries)?;
        let junctions = junctions(&entries);
        sqlx::any::install_default_drivers();
        let (backend, pool) = if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let url = if memory || url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            // An in-memory database lives as long as its one connection.
            let options = if memory {
                AnyPoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                AnyPoolOptions::new().max_connections(8)
            };
            let pool = options.connect(&url).await?;
            if !memory {
                // Readers do not wait for a writer (and several connections share the file).
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
            }
            (Backend::Sqlite, pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (
                Backend::Postgres,
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?,
            )
        } else {
            return Err(ModelError::Declaration {
                model: String::new(),
                problem: format!(
                    "`{url}` is not a database URL sailroute speaks: write `sqlite:app.db`, `sqlite::memory:` or `postgres://user@host/db`"
                ),
            });
        };
        let models = Models {
            inner: Arc::new(Inner {
                pool,
                backend,
                entries,
                junctions,
            }),
        };
        models.migrate().await?;
        Ok(models)
    }

    /// Which database the models are on.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The connection pool, for queries of the app's own.
    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    /// Creates missing tables, columns and indexes.
    async fn migrate(&self) -> Result<(), ModelError> {
        let backend = self.inner.backend;
        let pool = &self.inner.pool;
        for entry in &self.inner.entries {
            let table = &entry.def.table;
            sqlx::query(&sql::create_table(table, &entry.schema, backend))
                .execute(pool)
                .await?;
            let present: Vec<String> = match backend {
                Backend::Sqlite => {
                    sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                        .bind(table)
                        .fetch_all(pool)
                        .await?
                }
                Backend::Postgres => {
                    sqlx::query_scalar(
                        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                    )
                    .bind(table)
                    .fetch_all(pool)
                    .await?
                }
            };
            for attr in &entry.schema.attributes {
                if !present.contains(&attr.name) {
                    let mut column = sql::column(attr, backend);
                    let mut alter = Table::alter();
                    alter.table(Alias::new(table)).add_column(&mut column);
                    let statement = match backend {
                        Backend::Sqlite => alter.to_string(SqliteQueryBuilder),
                        Backend::Postgres => alter.to_string(PostgresQueryBuilder),
                    };
                    sqlx::query(&statement).execute(pool).await?;
                }
            }
            let keys = entry.def.associations.iter().filter_map(|a| match a.kind {
                AssociationKind::One { .. } => Some((a.name.as_str(), false)),
                AssociationKind::Many { .. } => None,
            });
            let unique = entry.def.unique.iter().map(|u| (u.as_str(), true));
            for (column, unique) in keys.chain(unique) {
                let mut index = Index::create();
                index
                    .if_not_exists()
                    .name(index_name(table, column, unique))
                    .table(Alias::new(table))
                    .col(Alias::new(column));
                if unique {
                    index.unique();
                }
                let statement = match backend {
                    Backend::Sqlite => index.to_string(SqliteQueryBuilder),
                    Backend::Postgres => index.to_string(PostgresQueryBuilder),
                };
                sqlx::query(&statement).execute(pool).await?;
            }
        }
        for junction in &self.inner.junctions {
            sqlx::query(&sql::create_table(
                &junction.table,
                &junction.schema,
                backend,
            ))
            .execute(pool)
            .await?;
            let mut index = Index::create();
            index
                .if_not_exists()
                .unique()
                .name(index_name(&junction.table, "pair", true))
                .table(Alias::new(&junction.table))
                .col(Alias::new(&junction.sides[0].2))
                .col(Alias::new(&junction.sides[1].2));
            let statement = match backend {
                Backend::Sqlite => index.to_string(SqliteQueryBuilder),
                Backend::Postgres => index.to_string(PostgresQueryBuilder),
            };
            sqlx::query(&statement).execute(pool).await?;
        }
        Ok(())
    }

    /// The join table of `model`'s collection `name`, if it is many-to-many: its index, this
    /// side's column and the other side's.
    pub(crate) fn junction_of(&self, model: usize, name: &str) -> Option<(usize, &str, &str)> {
        self.inner.junctions.iter().enumerate().find_map(|(i, j)| {
            let mine = j
                .sides
                .iter()
                .position(|(m, c, _)| *m == model && c == name)?;
            Some((i, j.sides[mine].2.as_str(), j.sides[1 - mine].2.as_str()))
        })
    }

    /// The `(this side, other side)` id pairs of a join table whose `column` is one of `ids`.
    pub(crate) async fn pairs(
        &self,
        conn: &mut AnyConnection,
        junction: usize,
        column: &str,
        ids: &[i64],
    ) -> Result<Vec<(i64, i64, i64)>, ModelError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let j = &self.inner.junctions[junction];
        let other = if j.sides[0].2 == column {
            &j.sides[1].2
        } else {
            &j.sides[0].2
        };
        let criteria = Criteria {
            filter: vec![Where::Cmp {
                attr: column.to_owned(),
                op: Op::In,
                value: Value::from(ids.to_vec()),
            }],
            ..unfiltered()
        };
        let (statement, values) = sql::select(&j.table, &j.schema, &criteria, self.inner.backend);
        let rows = sqlx::query_with(&statement, values)
            .fetch_all(&mut *conn)
            .await?;
        let mut pairs = Vec::with_capacity(rows.len());
        for row in &rows {
            let r = record(&j.schema, row)?;
            // Both sides of a row are written together and never null.
            let side = |name: &str| r.get(name).and_then(Value::as_i64);
            if let (Some(id), Some(mine), Some(theirs)) = (side("id"), side(column), side(other)) {
                pairs.push((id, mine, theirs));
            }
        }
        Ok(pairs)
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so it waits for another writer instead of failing with `SQLITE_BUSY` when
    /// its first read would turn into a write after someone else's.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, ModelError> {
        Ok(match self.inner.backend {
            Backend::Sqlite => self.inner.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.inner.pool.begin().await?,
        })
    }

    /// The associated model `identity`, which `connect` checked is declared.
    pub(crate) fn target(&self, identity: &str) -> Result<usize, ModelError> {
        self.index_of(identity)
            .ok_or_else(|| ModelError::UnknownModel(identity.to_owned()))
    }

    pub(crate) fn index_of(&self, identity: &str) -> Option<usize> {
        self.inner
            .entries
            .iter()
            .position(|e| e.def.identity == identity)
    }

    pub(crate) fn entry(&self, index: usize) -> &Entry {
        &self.inner.entries[index]
    }

    /// The records `criteria` finds, with the associations it asks for populated (a plural
    /// one with at most `collection_limit` records per parent).
    pub(crate) async fn find_in(
        &self,
        conn: &mut AnyConnection,
        model: usize,
        criteria: &Criteria,
        collection_limit: u64,
    ) -> Result<Vec<Map<String, Value>>, ModelError> {
        let entry = self.entry(model);
        let mut records = self.select(conn, model, criteria).await?;
        for association in &entry.def.associations {
            let wanted = match &criteria.populate {
                Populate::All => true,
                Populate::None => false,
                Populate::Only(names) => names.contains(&association.name),
            };
            let selected = match &criteria.select {
                Some(selected) => selected.contains(&association.name),
                None => !criteria.omit.contains(&association.name),
            };
            if !wanted || !selected {
                continue;
            }
            match &association.kind {
                AssociationKind::One { model: target } => {
                    let target = self.target(target)?;
                    let ids: Vec<i64> = records
                        .iter()
                        .filter_map(|r| r.get(&association.name).and_then(Value::as_i64))
                        .collect();
                    let found: HashMap<i64, Map<String, Value>> = self
                        .by_ids(conn, target, &ids, None)
                        .await?
                        .into_iter()
                        .filter_map(|f| Some((record_id(&f)?, f)))
                        .collect();
                    for record in &mut records {
                        if let Some(id) = record.get(&association.name).and_then(Value::as_i64) {
                            let populated =
                                found.get(&id).cloned().map_or(Value::Null, Value::Object);
                            record.insert(association.name.clone(), populated);
                        }
                    }
                }
                AssociationKind::Many { model: target, .. }
                    if self.junction_of(model, &association.name).is_some() =>
                {
                    let target = self.target(target)?;
                    let (junction, mine, _) = self
                        .junction_of(model, &association.name)
                        .expect("checked by the guard");
                    let mine = mine.to_owned();
                    let ids: Vec<i64> = records.iter().filter_map(record_id).collect();
                    let pairs = self.pairs(conn, junction, &mine, &ids).await?;
                    let mut child_ids: Vec<i64> = pairs.iter().map(|p| p.2).collect();
                    child_ids.sort_unstable();
                    child_ids.dedup();
                    let children = self.by_ids(conn, target, &child_ids, None).await?;
                    let mut by_parent: HashMap<i64, Vec<Value>> = HashMap::new();
                    // Children in id order, each under every parent it is paired with.
                    for child in &children {
                        let Some(child_id) = record_id(child) else {
                            continue;
                        };
                        for (_, parent, _) in pairs.iter().filter(|p| p.2 == child_id) {
                            by_parent
                                .entry(*parent)
                                .or_default()
                                .push(Value::Object(child.clone()));
                        }
                    }
                    fill(&mut records, &association.name, by_parent, collection_limit);
                }
                AssociationKind::Many { model: target, via } => {
                    let target = self.target(target)?;
                    let ids: Vec<i64> = records.iter().filter_map(record_id).collect();
                    let mut by_parent: HashMap<i64, Vec<Value>> = HashMap::new();
                    for child in self.by_ids(conn, target, &ids, Some(via)).await? {
                        if let Some(parent) = child.get(via).and_then(Value::as_i64) {
                            by_parent
                                .entry(parent)
                                .or_default()
                                .push(Value::Object(child));
                        }
                    }
                    fill(&mut records, &association.name, by_parent, collection_limit);
                }
            }
        }
        Ok(records)
    }

    /// The records `criteria` finds, unpopulated.
    async fn select(
        &self,
        conn: &mut AnyConnection,
        model: usize,
        criteria: &Criteria,
    ) -> Result<Vec<Map<String, Value>>, ModelError> {
        let entry = self.entry(model);
        if self.inner.backend == Backend::Sqlite {
            if let Some((statement, values)) =
                sql::select_json(&entry.def.table, &entry.schema, criteria)
            {
                let text: String = sqlx::query_scalar_with(&statement, values)
                    .fetch_one(&mut *conn)
                    .await?;
                return Ok(records_of_json(&entry.schema, &text)?);
            }
        }
        let (statement, values) = sql::select(
            &entry.def.table,
            &entry.schema,
            criteria,
            self.inner.backend,
        );
        let rows = sqlx::query_with(&statement, values)
            .fetch_all(&mut *conn)
            .await?;
        Ok(rows
            .iter()
            .map(|row| record(&entry.schema, row))
            .collect::<Result<_, _>>()?)
    }

    /// The records of `model` whose `attr` (default: the primary key) is one of `ids`,
    /// unpopulated, in primary-key order.
    pub(crate) async fn by_ids(
        &self,
        conn: &mut AnyConnection,
        model: usize,
        ids: &[i64],
        attr: Option<&str>,
    ) -> Result<Vec<Map<String, Value>>, ModelError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let criteria = Criteria {
            filter: vec![Where::Cmp {
                attr: attr.unwrap_or("id").to_owned(),
                op: Op::In,
                value: Value::from(ids.to_vec()),
            }],
            limit: i64::MAX as u64,
            ..unfiltered()
        };
        self.select(conn, model, &criteria).await
    }

    /// One record by id, populated, or `NotFound`.
    pub(crate) async fn one(
        &self,
        conn: &mut AnyConnection,
        model: usize,
        id: i64,
    ) -> Result<Map<String, Value>, ModelError> {
        let entry = self.entry(model);
        let criteria = Criteria {
            filter: vec![by_id(id)],
            limit: 1,
            populate: Populate::All,
            ..unfiltered()
        };
        self.find_in(conn, model, &criteria, entry.def.limits.default_limit)
            .await?
            .pop()
            .ok_or_else(|| ModelError::NotFound {
                model: entry.def.identity.clone(),
                id,
            })
    }
}

/// Puts each record's children (in id order, at most `limit`) under `name`; a record with
/// none gets `[]`.
fn fill(
    records: &mut [Map<String, Value>],
    name: &str,
    mut by_parent: HashMap<i64, Vec<Value>>,
    limit: u64,
) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    for record in records {
        let mut mine = record_id(record)
            .and_then(|id| by_parent.remove(&id))
            .unwrap_or_default();
        mine.truncate(limit);
        record.insert(name.to_owned(), Value::Array(mine));
    }
}

/// Criteria that find every record, unpopulated, with no limit to speak of.
pub(crate) fn unfiltered() -> Criteria {
    Criteria {
        filter: Vec::new(),
        sort: Vec::new(),
        skip: 0,
        limit: i64::MAX as u64,
        select: None,
        omit: Vec::new(),
        populate: Populate::None,
    }
}

/// `id = …`
pub(crate) fn by_id(id: i64) -> Where {
    Where::Cmp {
        attr: "id".to_owned(),
        op: Op::Eq,
        value: Value::from(id),
    }
}

pub(crate) fn record_id(record: &Map<String, Value>) -> Option<i64> {
    record.get("id").and_then(Value::as_i64)
}

/// Now, as Sails' timestamps are: milliseconds since the epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn index_name(table: &str, column: &str, unique: bool) -> String {
    format!("{table}_{column}_{}", if unique { "unique" } else { "idx" })
}

/// A row as a JSON object, its columns read by their attribute's type.
fn record(schema: &ModelSchema, row: &AnyRow) -> Result<Map<String, Value>, sqlx::Error> {
    let mut out = Map::new();
    for (index, column) in row.columns().iter().enumerate() {
        let name = column.name();
        let ty = schema.attribute(name).map_or(AttrType::Json, |a| a.ty);
        let value = read(row, index, ty).map_err(|e| wrong_type(schema, name, ty, &e))?;
        out.insert(name.to_owned(), value);
    }
    Ok(out)
}

/// A column that holds what its attribute's type does not take, named.
fn wrong_type(
    schema: &ModelSchema,
    name: &str,
    ty: AttrType,
    detail: &dyn std::fmt::Display,
) -> sqlx::Error {
    sqlx::Error::Decode(
        format!(
            "the column `{name}` of `{}` holds a value its type ({}) does not take ({detail})",
            schema.identity,
            ty.name()
        )
        .into(),
    )
}

/// One column's value. SQLite keeps booleans as integers, and a whole double may come back
/// as an integer: each type accepts the forms its backends hand back, and a column that is
/// none of them is an error (a table changed by hand, say), never a silent `null`.
fn read(row: &AnyRow, index: usize, ty: AttrType) -> Result<Value, sqlx::Error> {
    let int = || row.try_get::<Option<i64>, _>(index);
    Ok(match ty {
        AttrType::Integer => int()?.map_or(Value::Null, Value::from),
        AttrType::Number => match row.try_get::<Option<f64>, _>(index) {
            Ok(float) => float.map_or(Value::Null, number),
            Err(e) => int()
                .map_err(|_| e)?
                .map_or(Value::Null, |i| number(i as f64)),
        },
        AttrType::Boolean => match row.try_get::<Option<bool>, _>(index) {
            Ok(b) => b.map_or(Value::Null, Value::Bool),
            Err(e) => int()
                .map_err(|_| e)?
                .map_or(Value::Null, |i| Value::Bool(i != 0)),
        },
        AttrType::String => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::String),
        // The model writes JSON as its text; text another program wrote that is not JSON
        // reads as the string it is.
        AttrType::Json => row
            .try_get::<Option<String>, _>(index)?
            .map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
            .unwrap_or(Value::Null),
    })
}

/// The records of [`sql::select_json`]'s array, each value read in place by its attribute's
/// type as [`read`] reads a column.
fn records_of_json(
    schema: &ModelSchema,
    text: &str,
) -> Result<Vec<Map<String, Value>>, sqlx::Error> {
    let mut records: Vec<Map<String, Value>> =
        serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    for record in &mut records {
        for (name, value) in record.iter_mut() {
            let ty = schema.attribute(name).map_or(AttrType::Json, |a| a.ty);
            *value = read_json(std::mem::take(value), ty)
                .ok_or_else(|| wrong_type(schema, name, ty, &"read from JSON"))?;
        }
    }
    Ok(records)
}

/// One value of a JSON record as [`read`] takes it from a row: the same forms accepted, and
/// `None` for any other.
fn read_json(value: Value, ty: AttrType) -> Option<Value> {
    Some(match (ty, value) {
        (_, Value::Null) => Value::Null,
        (AttrType::Integer, Value::Number(n)) => Value::from(n.as_i64()?),
        (AttrType::Boolean, Value::Number(n)) => Value::Bool(n.as_i64()? != 0),
        (AttrType::Boolean, Value::Bool(b)) => Value::Bool(b),
        (AttrType::String, Value::String(s)) => Value::String(s),
        (AttrType::Json, Value::String(t)) => serde_json::from_str(&t).unwrap_or(Value::String(t)),
        _ => return None,
    })
}

/// A double as JSON: a whole one as an integer (`30`, not `30.0`), as JavaScript writes it.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// The declarations hold together: unique identities and names, associations that point at
/// declared models and back.
fn check_declarations(entries: &[Entry]) -> Result<(), ModelError> {
    let problem = |model: &str, problem: String| ModelError::Declaration {
        model: model.to_owned(),
        problem,
    };
    for (i, entry) in entries.iter().enumerate() {
        let def = &entry.def;
        let me = def.identity.as_str();
        if entries[..i].iter().any(|e| e.def.identity == me) {
            return Err(problem(me, "is declared twice".to_owned()));
        }
        let mut names: Vec<&str> = vec!["id", CREATED_AT, UPDATED_AT];
        let declared = def
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .chain(def.associations.iter().map(|a| a.name.as_str()));
        for name in declared {
            if names.contains(&name) {
                return Err(problem(
                    me,
                    format!(
                        "`{name}` is declared twice (or is one of `id`, `createdAt`, `updatedAt`, which every model has): rename one"
                    ),
                ));
            }
            names.push(name);
        }
        for unique in &def.unique {
            if !def.attributes.iter().any(|a| a.name == *unique) {
                return Err(problem(
                    me,
                    format!(
                        "`unique(\"{unique}\")` names no attribute: declare it with `.attribute(\"{unique}\", …)` first"
                    ),
                ));
            }
        }
        for association in &def.associations {
            let target_name = match &association.kind {
                AssociationKind::One { model } | AssociationKind::Many { model, .. } => model,
            };
            let Some(target) = entries.iter().find(|e| e.def.identity == *target_name) else {
                return Err(problem(
                    me,
                    format!(
                        "`{}` refers to the model `{target_name}`, which is not declared: pass it to `Models::connect` too",
                        association.name
                    ),
                ));
            };
            if let AssociationKind::Many { via, .. } = &association.kind {
                match target.def.association(via).map(|a| &a.kind) {
                    Some(AssociationKind::One { model }) if model == me => {}
                    Some(AssociationKind::Many { .. })
                        if target_name == me && *via == association.name =>
                    {
                        return Err(problem(
                            me,
                            format!(
                                "`{}` is a collection via itself, which is not supported: declare a join model with two `.model(…)` associations",
                                association.name
                            ),
                        ));
                    }
                    // Many-to-many: the other side is a collection via this one.
                    Some(AssociationKind::Many { model, via: back })
                        if model == me && *back == association.name => {}
                    Some(AssociationKind::Many { .. }) => {
                        return Err(problem(
                            me,
                            format!(
                                "`{}` is a collection via `{target_name}.{via}`, a collection that is not via `{}` back: write `.collection(\"{via}\", \"{me}\", \"{}\")` on `{target_name}`",
                                association.name, association.name, association.name
                            ),
                        ));
                    }
                    _ => {
                        return Err(problem(
                            me,
                            format!(
                                "`{}` is a collection via `{target_name}.{via}`, so `{target_name}` needs `.model(\"{via}\", \"{me}\")`",
                                association.name
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The join tables of the many-to-many pairs, one per pair, named after both sides in a fixed
/// order (`group_members__user_groups`, as Sails names them).
fn junctions(entries: &[Entry]) -> Vec<Junction> {
    let mut out: Vec<Junction> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        for association in &entry.def.associations {
            let AssociationKind::Many { model, via } = &association.kind else {
                continue;
            };
            let Some(j) = entries.iter().position(|e| e.def.identity == *model) else {
                continue;
            };
            let back_is_many = matches!(
                entries[j].def.association(via).map(|a| &a.kind),
                Some(AssociationKind::Many { .. })
            );
            if !back_is_many {
                continue;
            }
            let mut sides = [
                (
                    i,
                    association.name.clone(),
                    format!("{}_{}", entry.def.identity, association.name),
                ),
                (
                    j,
                    via.clone(),
                    format!("{}_{}", entries[j].def.identity, via),
                ),
            ];
            sides.sort_by(|a, b| a.2.cmp(&b.2));
            let table = format!("{}__{}", sides[0].2, sides[1].2);
            if out.iter().any(|x| x.table == table) {
                continue;
            }
            let attr = |name: &str| super::schema::Attribute {
                name: name.to_owned(),
                ty: AttrType::Integer,
            };
            let schema = ModelSchema {
                identity: table.clone(),
                primary_key: "id".to_owned(),
                attributes: vec![attr("id"), attr(&sides[0].2), attr(&sides[1].2)],
                associations: Vec::new(),
            };
            out.push(Junction {
                table,
                schema,
                sides,
            });
        }
    }
    out
}
