//! The model API: what blueprint routes do, callable from any handler. Each change runs in
//! one transaction (a failed `create` or `replace` with associations changes nothing) and
//! publishes Sails' messages once committed, reverse associations included.

use serde_json::{Map, Value};
use sqlx::AnyConnection;

use super::criteria::{Criteria, CriteriaError, Populate, kind};
use super::error::ModelError;
use super::model::{AssociationKind, CREATED_AT, UPDATED_AT};
use super::publish::{Note, Publish};
use super::sql;
use super::store::{Models, by_id, now_ms, record_id, unfiltered};

/// One model's API: `models.model("user")?`.
#[derive(Debug, Clone)]
pub struct ModelRef {
    models: Models,
    index: usize,
}

/// A record as the API reads and writes it: a JSON object of attributes.
pub type Record = Map<String, Value>;

/// Collections given in a body, by name, as the ids they are to hold.
type Collections = Vec<(String, Vec<i64>)>;

impl Models {
    /// The API of the model `identity`.
    pub fn model(&self, identity: &str) -> Result<ModelRef, ModelError> {
        let index = self.target(identity)?;
        Ok(ModelRef {
            models: self.clone(),
            index,
        })
    }
}

/// What a change to one record's singular associations means for the other side: the old and
/// the new target, per association that has a collection pointing back.
struct Moved {
    /// The collection's model, its identity and the collection's name.
    identity: String,
    attribute: String,
    from: Option<i64>,
    to: Option<i64>,
}

impl ModelRef {
    fn entry(&self) -> &super::store::Entry {
        self.models.entry(self.index)
    }

    /// The model's identity.
    pub fn identity(&self) -> &str {
        &self.entry().def.identity
    }

    /// The records `criteria` finds (Sails' `find`); the requesting socket is subscribed to
    /// them and watches the model.
    pub async fn find(&self, criteria: &Criteria, by: &Publish) -> Result<Vec<Record>, ModelError> {
        let mut conn = self.models.inner.pool.acquire().await?;
        let records = self
            .models
            .find_in(&mut conn, self.index, criteria, criteria.limit)
            .await?;
        let ids: Vec<i64> = records.iter().filter_map(record_id).collect();
        by.subscribe(self.identity(), &ids, true).await;
        Ok(records)
    }

    /// How many records `criteria`'s filter finds (Sails' `count`).
    pub async fn count(&self, criteria: &Criteria) -> Result<u64, ModelError> {
        let entry = self.entry();
        let (statement, bound) = sql::count(
            &entry.def.table,
            &entry.schema,
            criteria,
            self.models.backend(),
        );
        let count: i64 = sqlx::query_scalar_with(&statement, bound)
            .fetch_one(&self.models.inner.pool)
            .await?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// The record `id` (Sails' `findOne`), with `criteria`'s `select`, `omit` and
    /// `populate`, and at most `criteria.limit` records per populated collection; the
    /// requesting socket is subscribed to it.
    pub async fn find_one(
        &self,
        id: i64,
        criteria: &Criteria,
        by: &Publish,
    ) -> Result<Record, ModelError> {
        // `criteria`'s limit bounds each populated collection (Sails: 30 unless asked).
        let limit = criteria.limit;
        let criteria = Criteria {
            filter: vec![by_id(id)],
            sort: Vec::new(),
            skip: 0,
            limit: 1,
            ..criteria.clone()
        };
        let mut conn = self.models.inner.pool.acquire().await?;
        let record = self
            .models
            .find_in(&mut conn, self.index, &criteria, limit)
            .await?
            .pop()
            .ok_or_else(|| self.not_found(id))?;
        by.subscribe(self.identity(), &[id], false).await;
        Ok(record)
    }

    /// The records of the association `name` of the record `id` (Sails' `populate`): an
    /// array for a collection, a record or `null` for a singular one.
    pub async fn populate(&self, id: i64, name: &str, by: &Publish) -> Result<Value, ModelError> {
        let association = self.association(name, false)?;
        let mut conn = self.models.inner.pool.acquire().await?;
        let parent = self.models.one(&mut conn, self.index, id).await?;
        by.subscribe(self.identity(), &[id], false).await;
        let value = parent.get(name).cloned().unwrap_or(Value::Null);
        let target = match &association.kind {
            AssociationKind::One { model } | AssociationKind::Many { model, .. } => model.clone(),
        };
        let ids: Vec<i64> = match &value {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_object().and_then(record_id))
                .collect(),
            Value::Object(record) => record_id(record).into_iter().collect(),
            _ => Vec::new(),
        };
        by.subscribe(&target, &ids, false).await;
        Ok(value)
    }

    /// Creates a record (Sails' `create`) and answers it populated. A collection given as an
    /// array of ids takes those records from wherever they were.
    pub async fn create(&self, values: Record, by: &Publish) -> Result<Record, ModelError> {
        let (plain, collections) = self.split(values, None)?;
        let now = now_ms();
        let mut plain = plain;
        plain.insert(CREATED_AT.to_owned(), now.into());
        plain.insert(UPDATED_AT.to_owned(), now.into());
        let backend = self.models.backend();
        let entry = self.entry();
        let mut tx = self.models.begin_write().await?;
        self.check_targets(&mut tx, &plain).await?;
        let (statement, bound) = sql::insert(&entry.def.table, &entry.schema, &plain, backend)?;
        let id: i64 = sqlx::query_scalar_with(&statement, bound)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.constraint(e))?;
        let mut notes = Vec::new();
        let moved = self.moved(None, &plain);
        for (name, ids) in &collections {
            self.set_collection(&mut tx, id, name, ids, (now, false), &mut notes)
                .await?;
        }
        let record = self.models.one(&mut tx, self.index, id).await?;
        tx.commit().await?;
        // Sails subscribes the creator before it tells the watchers.
        by.subscribe(self.identity(), &[id], false).await;
        let first = Note::Created {
            identity: self.identity().to_owned(),
            id,
            record: record.clone(),
        };
        announce(by, first, notes, &moved, id).await;
        Ok(record)
    }

    /// Changes the record `id` (Sails' `update`) and answers it populated; `updated` carries
    /// what changed, with `id` and `updatedAt`, and the record as it was.
    pub async fn update(
        &self,
        id: i64,
        values: Record,
        by: &Publish,
    ) -> Result<Record, ModelError> {
        let (mut plain, collections) = self.split(values, Some(id))?;
        let now = now_ms();
        plain.insert(UPDATED_AT.to_owned(), now.into());
        let backend = self.models.backend();
        let entry = self.entry();
        let mut tx = self.models.begin_write().await?;
        let previous = self.models.one(&mut tx, self.index, id).await?;
        self.check_targets(&mut tx, &plain).await?;
        if let Some((statement, bound)) =
            sql::update(&entry.def.table, &entry.schema, id, &plain, backend)?
        {
            sqlx::query_with(&statement, bound)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.constraint(e))?;
        }
        let mut notes = Vec::new();
        for (name, ids) in &collections {
            self.set_collection(&mut tx, id, name, ids, (now, true), &mut notes)
                .await?;
        }
        let record = self.models.one(&mut tx, self.index, id).await?;
        tx.commit().await?;
        let moved = self.moved(Some(&previous), &plain);
        let mut data = plain;
        data.insert("id".to_owned(), id.into());
        let first = Note::Updated {
            identity: self.identity().to_owned(),
            id,
            data,
            previous,
        };
        announce(by, first, notes, &moved, id).await;
        Ok(record)
    }

    /// Destroys the record `id` (Sails' `destroy`) and answers it as it was. Records whose
    /// singular association named it now name nothing.
    pub async fn destroy(&self, id: i64, by: &Publish) -> Result<Record, ModelError> {
        let backend = self.models.backend();
        let entry = self.entry();
        let now = now_ms();
        let mut tx = self.models.begin_write().await?;
        let previous = self.models.one(&mut tx, self.index, id).await?;
        let mut notes = Vec::new();
        // Every singular association of every model that points here lets go.
        for (other, other_entry) in self.models.inner.entries.iter().enumerate() {
            for association in &other_entry.def.associations {
                let AssociationKind::One { model } = &association.kind else {
                    continue;
                };
                if *model != entry.def.identity {
                    continue;
                }
                let children = self
                    .models
                    .by_ids(&mut tx, other, &[id], Some(&association.name))
                    .await?;
                for child in children.iter().filter_map(record_id) {
                    let note = self
                        .set_one(&mut tx, other, child, &association.name, None, now)
                        .await?;
                    notes.push(note);
                }
            }
        }
        // Its many-to-many collections let go of their records, which hear `removedFrom`.
        for association in &entry.def.associations {
            if self
                .models
                .junction_of(self.index, &association.name)
                .is_some()
            {
                self.set_collection(
                    &mut tx,
                    id,
                    &association.name,
                    &[],
                    (now, false),
                    &mut notes,
                )
                .await?;
            }
        }
        let (statement, bound) = sql::delete(&entry.def.table, &entry.schema, id, backend);
        sqlx::query_with(&statement, bound)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // No values: every singular association lets go of its target.
        let moved = self.moved(Some(&previous), &Record::new());
        let first = Note::Destroyed {
            identity: self.identity().to_owned(),
            id,
            previous: previous.clone(),
        };
        announce(by, first, notes, &moved, id).await;
        Ok(previous)
    }

    /// Adds the record `child` to the collection `name` of `id` (Sails' `add`), taking it
    /// from its previous parent; answers the parent populated.
    pub async fn add(
        &self,
        id: i64,
        name: &str,
        child: i64,
        by: &Publish,
    ) -> Result<Record, ModelError> {
        self.change_collection(
            id,
            name,
            by,
            |current| {
                let mut ids = current.to_vec();
                if !ids.contains(&child) {
                    ids.push(child);
                }
                Some(ids)
            },
            Some(child),
        )
        .await
    }

    /// Takes the record `child` out of the collection `name` of `id` (Sails' `remove`);
    /// answers the parent populated.
    pub async fn remove(
        &self,
        id: i64,
        name: &str,
        child: i64,
        by: &Publish,
    ) -> Result<Record, ModelError> {
        self.change_collection(
            id,
            name,
            by,
            |current| Some(current.iter().copied().filter(|c| *c != child).collect()),
            Some(child),
        )
        .await
    }

    /// Makes the collection `name` of `id` exactly `children` (Sails' `replace`); answers the
    /// parent populated. A missing child changes nothing.
    pub async fn replace(
        &self,
        id: i64,
        name: &str,
        children: &[i64],
        by: &Publish,
    ) -> Result<Record, ModelError> {
        self.change_collection(id, name, by, |_| Some(children.to_vec()), None)
            .await
    }

    async fn change_collection(
        &self,
        id: i64,
        name: &str,
        by: &Publish,
        wanted: impl FnOnce(&[i64]) -> Option<Vec<i64>>,
        must_exist: Option<i64>,
    ) -> Result<Record, ModelError> {
        let association = self.association(name, true)?;
        let AssociationKind::Many { model, .. } = &association.kind else {
            unreachable!("association(_, true) answers collections only");
        };
        let child_model = self.models.target(model)?;
        let now = now_ms();
        let mut tx = self.models.begin_write().await?;
        self.models.one(&mut tx, self.index, id).await?;
        if let Some(child) = must_exist {
            self.models.one(&mut tx, child_model, child).await?;
        }
        let current = self.current_children(&mut tx, id, name).await?;
        let mut notes = Vec::new();
        if let Some(ids) = wanted(&current) {
            self.set_collection(&mut tx, id, name, &ids, (now, true), &mut notes)
                .await?;
        }
        let record = self.models.one(&mut tx, self.index, id).await?;
        tx.commit().await?;
        by.send(notes).await;
        Ok(record)
    }

    /// The ids now in the collection `name` of `id`.
    async fn current_children(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        name: &str,
    ) -> Result<Vec<i64>, ModelError> {
        let Some(AssociationKind::Many { model, via }) =
            self.entry().def.association(name).map(|a| &a.kind)
        else {
            return Ok(Vec::new());
        };
        if let Some((junction, mine, _)) = self.models.junction_of(self.index, name) {
            let mine = mine.to_owned();
            let pairs = self.models.pairs(conn, junction, &mine, &[id]).await?;
            return Ok(pairs.into_iter().map(|(_, _, child)| child).collect());
        }
        let child_model = self.models.target(model)?;
        Ok(self
            .models
            .by_ids(conn, child_model, &[id], Some(via))
            .await?
            .iter()
            .filter_map(record_id)
            .collect())
    }

    /// `set_collection` for a many-to-many collection: rows of the join table come and go;
    /// both sides hear `addedTo`/`removedFrom` (the records themselves do not change).
    async fn set_junction(
        &self,
        conn: &mut AnyConnection,
        (id, name): (i64, &str),
        ids: &[i64],
        (child_model, via, announce): (usize, &str, bool),
        notes: &mut Vec<Note>,
    ) -> Result<(), ModelError> {
        let Some((junction, mine, theirs)) = self.models.junction_of(self.index, name) else {
            return Ok(());
        };
        let (mine, theirs) = (mine.to_owned(), theirs.to_owned());
        let backend = self.models.backend();
        let j = &self.models.inner.junctions[junction];
        let pairs = self.models.pairs(conn, junction, &mine, &[id]).await?;
        let me = self.identity().to_owned();
        let other = self.models.entry(child_model).def.identity.clone();
        for (row, _, child) in pairs.iter().filter(|p| !ids.contains(&p.2)) {
            let (statement, bound) = sql::delete(&j.table, &j.schema, *row, backend);
            sqlx::query_with(&statement, bound)
                .execute(&mut *conn)
                .await?;
            notes.push(Note::RemovedFrom {
                identity: me.clone(),
                id,
                attribute: name.to_owned(),
                removed: *child,
            });
            notes.push(Note::RemovedFrom {
                identity: other.clone(),
                id: *child,
                attribute: via.to_owned(),
                removed: id,
            });
        }
        let mut seen: Vec<i64> = pairs.iter().map(|p| p.2).collect();
        for child in ids {
            if seen.contains(child) {
                continue;
            }
            seen.push(*child);
            // The other record must exist: a missing one changes nothing.
            self.models.one(conn, child_model, *child).await?;
            let mut row = Record::new();
            row.insert(mine.clone(), id.into());
            row.insert(theirs.clone(), (*child).into());
            let (statement, bound) = sql::insert(&j.table, &j.schema, &row, backend)?;
            sqlx::query_with(&statement, bound)
                .execute(&mut *conn)
                .await?;
            if announce {
                notes.push(Note::AddedTo {
                    identity: me.clone(),
                    id,
                    attribute: name.to_owned(),
                    added: *child,
                });
            }
            notes.push(Note::AddedTo {
                identity: other.clone(),
                id: *child,
                attribute: via.to_owned(),
                added: id,
            });
        }
        Ok(())
    }

    /// Makes the collection `name` of `id` exactly `ids`, noting the messages: the parent's
    /// `addedTo`/`removedFrom`, each moved child's `updated`, and `removedFrom` to a child's
    /// previous parent.
    async fn set_collection(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        name: &str,
        ids: &[i64],
        (now, announce): (i64, bool),
        notes: &mut Vec<Note>,
    ) -> Result<(), ModelError> {
        let Some(AssociationKind::Many { model, via }) =
            self.entry().def.association(name).map(|a| a.kind.clone())
        else {
            return Ok(());
        };
        let child_model = self.models.target(&model)?;
        if self.models.junction_of(self.index, name).is_some() {
            return self
                .set_junction(conn, (id, name), ids, (child_model, &via, announce), notes)
                .await;
        }
        let current = self.current_children(conn, id, name).await?;
        let me = self.identity().to_owned();
        for child in current.iter().filter(|c| !ids.contains(c)) {
            notes.push(Note::RemovedFrom {
                identity: me.clone(),
                id,
                attribute: name.to_owned(),
                removed: *child,
            });
            let note = self
                .set_one(conn, child_model, *child, &via, None, now)
                .await?;
            notes.push(note);
        }
        let mut seen = Vec::new();
        for child in ids.iter().filter(|c| !current.contains(c)) {
            if seen.contains(child) {
                continue;
            }
            seen.push(*child);
            let note = self
                .set_one(conn, child_model, *child, &via, Some(id), now)
                .await?;
            // The child as it was (in its `updated` note) names its previous parent.
            let previous_parent = match &note {
                Note::Updated { previous, .. } => previous.get(&via).and_then(|v| match v {
                    Value::Object(parent) => record_id(parent),
                    other => other.as_i64(),
                }),
                _ => None,
            };
            if announce {
                notes.push(Note::AddedTo {
                    identity: me.clone(),
                    id,
                    attribute: name.to_owned(),
                    added: *child,
                });
            }
            notes.push(note);
            if let Some(parent) = previous_parent.filter(|p| *p != id) {
                notes.push(Note::RemovedFrom {
                    identity: me.clone(),
                    id: parent,
                    attribute: name.to_owned(),
                    removed: *child,
                });
            }
        }
        Ok(())
    }

    /// Sets the singular association `attr` of the record `id` of `model` and notes its
    /// `updated`.
    async fn set_one(
        &self,
        conn: &mut AnyConnection,
        model: usize,
        id: i64,
        attr: &str,
        to: Option<i64>,
        now: i64,
    ) -> Result<Note, ModelError> {
        let entry = self.models.entry(model);
        let previous = self.models.one(conn, model, id).await?;
        let mut data = Record::new();
        data.insert(attr.to_owned(), to.map_or(Value::Null, Value::from));
        data.insert(UPDATED_AT.to_owned(), now.into());
        if let Some((statement, bound)) = sql::update(
            &entry.def.table,
            &entry.schema,
            id,
            &data,
            self.models.backend(),
        )? {
            sqlx::query_with(&statement, bound)
                .execute(&mut *conn)
                .await?;
        }
        data.insert("id".to_owned(), id.into());
        Ok(Note::Updated {
            identity: entry.def.identity.clone(),
            id,
            data,
            previous,
        })
    }

    /// The association `name`; with `collection`, only a plural one.
    fn association(
        &self,
        name: &str,
        collection: bool,
    ) -> Result<&super::model::Association, ModelError> {
        self.entry()
            .def
            .association(name)
            .filter(|a| !collection || matches!(a.kind, AssociationKind::Many { .. }))
            .ok_or_else(|| ModelError::NoSuchAssociation {
                model: self.identity().to_owned(),
                name: name.to_owned(),
                wanted: if collection {
                    "a plural association"
                } else {
                    "an association"
                },
            })
    }

    /// Splits given values into plain attributes (singular associations as ids) and
    /// collections (arrays of ids). `id` may repeat the record's own; the timestamps are the
    /// model's to set.
    fn split(
        &self,
        values: Record,
        own_id: Option<i64>,
    ) -> Result<(Record, Collections), ModelError> {
        let mut plain = Record::new();
        let mut collections = Vec::new();
        for (key, value) in values {
            if key == "id" {
                if own_id.is_some() && value.as_i64() == own_id {
                    continue;
                }
                return Err(ModelError::BadBody(format!(
                    "`id` of `{}` is the database's to assign and cannot be set",
                    self.identity()
                )));
            }
            if key == CREATED_AT || key == UPDATED_AT {
                return Err(ModelError::BadBody(format!(
                    "`{key}` of `{}` is set by the model and cannot be given",
                    self.identity()
                )));
            }
            match self.entry().def.association(&key).map(|a| &a.kind) {
                Some(AssociationKind::Many { .. }) => {
                    let ids = value
                        .as_array()
                        .and_then(|items| items.iter().map(Value::as_i64).collect::<Option<_>>())
                        .ok_or_else(|| {
                            ModelError::Criteria(CriteriaError::WrongType {
                                attr: key.clone(),
                                expected: "an array of ids".to_owned(),
                                got: kind(&value),
                            })
                        })?;
                    collections.push((key, ids));
                }
                Some(AssociationKind::One { .. }) => {
                    // A populated record given back is read as its id.
                    let value = match value {
                        Value::Object(record) => {
                            record_id(&record).map_or(Value::Null, Value::from)
                        }
                        other => other,
                    };
                    plain.insert(key, value);
                }
                None => {
                    plain.insert(key, value);
                }
            }
        }
        Ok((plain, collections))
    }

    /// Every singular association in `values` names a record that exists.
    async fn check_targets(
        &self,
        conn: &mut AnyConnection,
        values: &Record,
    ) -> Result<(), ModelError> {
        for association in &self.entry().def.associations {
            let AssociationKind::One { model } = &association.kind else {
                continue;
            };
            let Some(value) = values.get(&association.name) else {
                continue;
            };
            if value.is_null() {
                continue;
            }
            let id = value.as_i64().ok_or_else(|| {
                ModelError::Criteria(CriteriaError::WrongType {
                    attr: association.name.clone(),
                    expected: "the id of a record (a whole number) or null".to_owned(),
                    got: kind(value),
                })
            })?;
            let target = self.models.target(model)?;
            let found = self.models.by_ids(conn, target, &[id], None).await?;
            if found.is_empty() {
                return Err(ModelError::MissingTarget {
                    model: self.identity().to_owned(),
                    attr: association.name.clone(),
                    target: model.clone(),
                    id,
                });
            }
        }
        Ok(())
    }

    /// For each singular association set in `values` that a collection points back to: its
    /// target before and after.
    fn moved(&self, previous: Option<&Record>, values: &Record) -> Vec<Moved> {
        let mut out = Vec::new();
        for association in &self.entry().def.associations {
            let AssociationKind::One { model } = &association.kind else {
                continue;
            };
            let Some(target) = self.models.index_of(model) else {
                continue;
            };
            let reverse = self.models.entry(target).def.associations.iter().find(|a| {
                matches!(&a.kind, AssociationKind::Many { model, via }
                    if *model == self.entry().def.identity && *via == association.name)
            });
            let Some(reverse) = reverse else {
                continue;
            };
            let id_of = |v: &Value| match v {
                Value::Object(record) => record_id(record),
                other => other.as_i64(),
            };
            let from = previous
                .and_then(|p| p.get(&association.name))
                .and_then(id_of);
            let to = match values.get(&association.name) {
                Some(v) => id_of(v),
                None if values.is_empty() => None,
                None => from,
            };
            if from != to {
                out.push(Moved {
                    identity: model.clone(),
                    attribute: reverse.name.clone(),
                    from,
                    to,
                });
            }
        }
        out
    }

    fn not_found(&self, id: i64) -> ModelError {
        ModelError::NotFound {
            model: self.identity().to_owned(),
            id,
        }
    }

    /// A unique index's refusal as a 409 naming the attribute; anything else as it is.
    fn constraint(&self, error: sqlx::Error) -> ModelError {
        let unique = matches!(&error, sqlx::Error::Database(db) if db.is_unique_violation());
        if let (true, sqlx::Error::Database(db)) = (unique, &error) {
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
            let unique = &self.entry().def.unique;
            // The database names the column (SQLite) or the index (PostgreSQL); with several
            // unique attributes and neither recognisable, they are all named.
            let attr = unique
                .iter()
                .find(|u| text.contains(u.as_str()))
                .cloned()
                .unwrap_or_else(|| unique.join("`, `"));
            return ModelError::Taken {
                model: self.identity().to_owned(),
                attr,
            };
        }
        ModelError::Database(error)
    }
}

/// Sends a change's own message, then what it did to other records, then the collection side
/// of its moved singular associations.
async fn announce(by: &Publish, first: Note, notes: Vec<Note>, moved: &[Moved], id: i64) {
    let mut all = vec![first];
    all.extend(notes);
    moved_notes(moved, id, &mut all);
    by.send(all).await;
}

/// The collection side of moved singular associations: `removedFrom` the old parent,
/// `addedTo` the new.
fn moved_notes(moved: &[Moved], child: i64, notes: &mut Vec<Note>) {
    for m in moved {
        if let Some(from) = m.from {
            notes.push(Note::RemovedFrom {
                identity: m.identity.clone(),
                id: from,
                attribute: m.attribute.clone(),
                removed: child,
            });
        }
        if let Some(to) = m.to {
            notes.push(Note::AddedTo {
                identity: m.identity.clone(),
                id: to,
                attribute: m.attribute.clone(),
                added: child,
            });
        }
    }
}

impl ModelRef {
    /// Reads a query string's pairs as this model's criteria, as its `find` route does:
    /// `model.criteria([("name", "scott"), ("sort", "id desc")])`.
    pub fn criteria<I, K, V>(&self, pairs: I) -> Result<Criteria, CriteriaError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let entry = self.entry();
        Criteria::from_query(pairs, &entry.schema, entry.def.limits)
    }

    /// Criteria that find every record, populated (Sails' defaults, without `limit`).
    pub fn all() -> Criteria {
        Criteria {
            populate: Populate::All,
            ..unfiltered()
        }
    }
}
