//! Blueprint routes: each model's actions as axum routes, so they serve HTTP and socket
//! virtual requests alike and pass through the app's own layers. Each handler reads its
//! request, calls the [model API](super::ModelRef), and answers JSON (or a
//! [`ModelError`](super::ModelError) with its status).

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use serde_json::Value;

use super::api::{ModelRef, Record};
use super::criteria::Criteria;
use super::error::ModelError;
use super::model::Action;
use super::publish::Publish;
use super::store::Models;

/// The parameters `findOne` reads; Sails' `findOne` ignores the rest.
const FIND_ONE_PARAMS: [&str; 3] = ["populate", "select", "omit"];

impl Models {
    /// Every model's blueprint routes, to merge into the app's router:
    /// `Router::new().merge(models.routes())`. With Sails' defaults, `user` answers
    ///
    /// | route | action |
    /// |---|---|
    /// | `GET /user` | find |
    /// | `GET /user/{id}` | findOne |
    /// | `POST /user` | create |
    /// | `PATCH /user/{id}`, `PUT /user/{id}` | update |
    /// | `DELETE /user/{id}` | destroy |
    /// | `GET /user/{id}/{association}` | populate |
    /// | `PUT /user/{id}/{association}/{child}` | add |
    /// | `DELETE /user/{id}/{association}/{child}` | remove |
    /// | `PUT /user/{id}/{association}` (an array of ids) | replace |
    pub fn routes(&self) -> Router {
        let mut router = Router::new();
        for entry in &self.inner.entries {
            let model = self
                .model(&entry.def.identity)
                .expect("every entry is a declared model");
            let base = entry.def.base_path();
            let on = |action| entry.def.actions.contains(&action);
            let mut collection = MethodRouter::new();
            let mut one = MethodRouter::new();
            let mut association = MethodRouter::new();
            let mut child = MethodRouter::new();
            if on(Action::Find) {
                let m = model.clone();
                collection = collection.merge(get(move |by, query| find(m, by, query)));
            }
            if on(Action::Create) {
                let m = model.clone();
                collection = collection.merge(post(move |by, body| create(m, by, body)));
            }
            if on(Action::FindOne) {
                let m = model.clone();
                one = one.merge(get(move |by, path, query| find_one(m, by, path, query)));
            }
            if on(Action::Update) {
                let (m, n) = (model.clone(), model.clone());
                one = one
                    .merge(patch(move |by, path, body| update(m, by, path, body)))
                    .merge(put(move |by, path, body| update(n, by, path, body)));
            }
            if on(Action::Destroy) {
                let m = model.clone();
                one = one.merge(delete(move |by, path| destroy(m, by, path)));
            }
            if on(Action::Populate) {
                let m = model.clone();
                association = association.merge(get(move |by, path| populate(m, by, path)));
            }
            if on(Action::Replace) {
                let m = model.clone();
                association =
                    association.merge(put(move |by, path, body| replace(m, by, path, body)));
            }
            if on(Action::Add) {
                let m = model.clone();
                child = child.merge(put(move |by, path| add(m, by, path)));
            }
            if on(Action::Remove) {
                let m = model.clone();
                child = child.merge(delete(move |by, path| remove(m, by, path)));
            }
            for (path, methods) in [
                (base.clone(), collection),
                (format!("{base}/{{id}}"), one),
                (format!("{base}/{{id}}/{{association}}"), association),
                (format!("{base}/{{id}}/{{association}}/{{child}}"), child),
            ] {
                router = router.route(&path, methods);
            }
        }
        router
    }
}

type Params = Path<HashMap<String, String>>;

/// A whole-number id from the path.
fn id(model: &ModelRef, params: &HashMap<String, String>, key: &str) -> Result<i64, ModelError> {
    let given = params.get(key).map(String::as_str).unwrap_or_default();
    given.parse().map_err(|_| ModelError::BadId {
        model: model.identity().to_owned(),
        given: given.to_owned(),
    })
}

fn criteria(
    model: &ModelRef,
    query: Option<String>,
    only: Option<&[&str]>,
) -> Result<Criteria, ModelError> {
    let query = query.unwrap_or_default();
    let pairs = form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| only.is_none_or(|only| only.contains(&key.as_ref())));
    Ok(model.criteria(pairs)?)
}

/// The body as a JSON object: no body is `{}`.
fn object(body: &Bytes) -> Result<Record, ModelError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Record::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(record)) => Ok(record),
        Ok(_) => Err(ModelError::BadBody(
            "the body must be a JSON object of attributes".to_owned(),
        )),
        Err(error) => Err(ModelError::BadBody(format!(
            "the body is not valid JSON: {error}"
        ))),
    }
}

async fn find(
    model: ModelRef,
    by: Publish,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<Record>>, ModelError> {
    let criteria = criteria(&model, query, None)?;
    Ok(Json(model.find(&criteria, &by).await?))
}

async fn find_one(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
    RawQuery(query): RawQuery,
) -> Result<Json<Record>, ModelError> {
    let id = id(&model, &params, "id")?;
    let criteria = criteria(&model, query, Some(&FIND_ONE_PARAMS))?;
    Ok(Json(model.find_one(id, &criteria, &by).await?))
}

async fn create(model: ModelRef, by: Publish, body: Bytes) -> Result<Json<Record>, ModelError> {
    let values = object(&body)?;
    Ok(Json(model.create(values, &by).await?))
}

async fn update(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
    body: Bytes,
) -> Result<Json<Record>, ModelError> {
    let id = id(&model, &params, "id")?;
    let values = object(&body)?;
    Ok(Json(model.update(id, values, &by).await?))
}

async fn destroy(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
) -> Result<Json<Record>, ModelError> {
    let id = id(&model, &params, "id")?;
    Ok(Json(model.destroy(id, &by).await?))
}

async fn populate(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
) -> Result<Json<Value>, ModelError> {
    let id = id(&model, &params, "id")?;
    let name = params.get("association").cloned().unwrap_or_default();
    let value = model.populate(id, &name, &by).await?;
    if value.is_null() {
        return Err(ModelError::Unset {
            model: model.identity().to_owned(),
            id,
            name,
        });
    }
    Ok(Json(value))
}

async fn add(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
) -> Result<Json<Record>, ModelError> {
    let (id, name, child) = member(&model, &params)?;
    Ok(Json(model.add(id, &name, child, &by).await?))
}

async fn remove(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
) -> Result<Json<Record>, ModelError> {
    let (id, name, child) = member(&model, &params)?;
    Ok(Json(model.remove(id, &name, child, &by).await?))
}

async fn replace(
    model: ModelRef,
    by: Publish,
    Path(params): Params,
    body: Bytes,
) -> Result<Json<Record>, ModelError> {
    let id = id(&model, &params, "id")?;
    let name = params.get("association").cloned().unwrap_or_default();
    let children: Vec<i64> = serde_json::from_slice::<Vec<i64>>(&body).map_err(|error| {
        ModelError::BadBody(format!(
            "`replace` takes a JSON array of ids of the records that make up `{name}`: {error}"
        ))
    })?;
    Ok(Json(model.replace(id, &name, &children, &by).await?))
}

/// The parent's id, the association and the child's id of an `add` or `remove`.
fn member(
    model: &ModelRef,
    params: &HashMap<String, String>,
) -> Result<(i64, String, i64), ModelError> {
    let name = params.get("association").cloned().unwrap_or_default();
    Ok((id(model, params, "id")?, name, id(model, params, "child")?))
}
