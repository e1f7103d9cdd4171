//! The model layer through its public API: declarations that do not hold together are refused
//! at start with what to write instead; tables are migrated when a model gains an attribute;
//! concurrent writers on one SQLite file all succeed; blueprint routes sit beside the app's
//! own handlers, which call the same model API; and over HTTP the routes answer as documented.

use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::routing::post;
use axum::{Json, Router};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sailroute::blueprints::{
    Action, AttrType, Model, ModelError, ModelRef, Models, Publish, Record,
};
use sailroute::{AppService, Server};
use serde_json::{Value, json};
use tower::ServiceExt;

fn pair() -> [Model; 2] {
    [
        Model::new("user")
            .attribute("name", AttrType::String)
            .collection("pets", "pet", "owner"),
        Model::new("pet")
            .attribute("name", AttrType::String)
            .model("owner", "user"),
    ]
}

async fn refused(models: Vec<Model>) -> String {
    match Models::connect("sqlite::memory:", models).await {
        Ok(_) => panic!("the declarations were accepted"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn declarations_that_do_not_hold_together_say_what_to_write() {
    let message = refused(vec![Model::new("pet").model("owner", "user")]).await;
    assert!(
        message.contains("`owner` refers to the model `user`, which is not declared"),
        "{message}"
    );
    let message = refused(vec![
        Model::new("user").collection("pets", "pet", "owner"),
        Model::new("pet"),
    ])
    .await;
    assert!(
        message.contains("`pet` needs `.model(\"owner\", \"user\")`"),
        "{message}"
    );
    let message = refused(vec![
        Model::new("user").collection("friends", "user", "friends"),
    ])
    .await;
    assert!(message.contains("a collection via itself"), "{message}");
    let message = refused(vec![
        Model::new("user").collection("groups", "group", "members"),
        Model::new("group").collection("members", "user", "teams"),
    ])
    .await;
    assert!(
        message.contains("a collection that is not via `groups` back"),
        "{message}"
    );
    let message = refused(vec![
        Model::new("user")
            .attribute("name", AttrType::String)
            .attribute("name", AttrType::Integer),
    ])
    .await;
    assert!(message.contains("`name` is declared twice"), "{message}");
    let message = refused(vec![Model::new("user").attribute("id", AttrType::String)]).await;
    assert!(message.contains("`id` is declared twice"), "{message}");
    let message = refused(vec![Model::new("user").unique("email")]).await;
    assert!(
        message.contains("`unique(\"email\")` names no attribute"),
        "{message}"
    );
    let message = refused(vec![Model::new("user"), Model::new("user")]).await;
    assert!(
        message.contains("model `user`: is declared twice"),
        "{message}"
    );
    let message = match Models::connect("mysql://x", pair()).await {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("write `sqlite:app.db`"), "{message}");
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sailroute-blueprints-{name}-{}",
        std::process::id()
    ));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn record(value: Value) -> Record {
    match value {
        Value::Object(record) => record,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test]
async fn a_model_that_gains_an_attribute_gets_its_column_and_keeps_its_records() {
    let dir = scratch("migrate");
    let url = format!("sqlite:{}", dir.join("app.db").display());
    let models = Models::connect(
        &url,
        [Model::new("user").attribute("name", AttrType::String)],
    )
    .await
    .expect("connect");
    let user = models.model("user").expect("user");
    let scott = user
        .create(record(json!({"name": "scott"})), &Publish::nobody())
        .await
        .expect("create");
    drop(user);
    drop(models);

    let models = Models::connect(
        &url,
        [Model::new("user")
            .attribute("name", AttrType::String)
            .attribute("age", AttrType::Number)],
    )
    .await
    .expect("reconnect with a new attribute");
    let user = models.model("user").expect("user");
    let found = user
        .find_one(
            scott["id"].as_i64().expect("id"),
            &ModelRef::all(),
            &Publish::nobody(),
        )
        .await
        .expect("the record is kept");
    assert_eq!(found["name"], "scott");
    assert_eq!(found.get("age"), Some(&Value::Null), "{found:?}");
    let updated = user
        .update(
            scott["id"].as_i64().expect("id"),
            record(json!({"age": 41.5})),
            &Publish::nobody(),
        )
        .await
        .expect("the new column is written");
    assert_eq!(updated["age"], 41.5);

    // Another program writes text where the model keeps numbers: reading it is an error that
    // names the column, never a silent null.
    sqlx::query(r#"UPDATE "user" SET "age" = 'old'"#)
        .execute(models.pool())
        .await
        .expect("a hand-made change");
    for result in [
        user.find(&ModelRef::all(), &Publish::nobody())
            .await
            .map(|_| ()),
        user.find_one(
            scott["id"].as_i64().expect("id"),
            &ModelRef::all(),
            &Publish::nobody(),
        )
        .await
        .map(|_| ()),
    ] {
        let message = result.expect_err("text is not a number").to_string();
        assert!(
            message.contains("the column `age` of `user` holds a value its type (number)"),
            "{message}"
        );
    }
    // The same on the path that reads records as one JSON row (no `Number` selected).
    sqlx::query(r#"UPDATE "user" SET "createdAt" = 'yesterday'"#)
        .execute(models.pool())
        .await
        .expect("a hand-made change");
    let mut without_age = ModelRef::all();
    without_age.omit = vec!["age".to_owned()];
    let message = user
        .find(&without_age, &Publish::nobody())
        .await
        .expect_err("text is not a timestamp")
        .to_string();
    assert!(
        message.contains("the column `createdAt` of `user` holds a value its type (whole number)"),
        "{message}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn concurrent_writers_on_one_sqlite_file_all_succeed() {
    let dir = scratch("concurrent");
    let url = format!("sqlite:{}", dir.join("app.db").display());
    let models = Models::connect(&url, pair()).await.expect("connect");
    let owner = models
        .model("user")
        .expect("user")
        .create(record(json!({"name": "scott"})), &Publish::nobody())
        .await
        .expect("owner");
    let owner = owner["id"].as_i64().expect("id");
    let writers: Vec<_> = (0..40)
        .map(|i| {
            let pets = models.model("pet").expect("pet");
            tokio::spawn(async move {
                // Each write reads first (the owner exists), then writes: the shape that
                // fails with SQLITE_BUSY under deferred transactions.
                pets.create(
                    record(json!({"name": format!("pet{i}"), "owner": owner})),
                    &Publish::nobody(),
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for writer in writers {
        let pet = writer.await.expect("joined").expect("every write succeeds");
        ids.push(pet["id"].as_i64().expect("id"));
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let user = models.model("user").expect("user");
    let found = user
        .find_one(
            owner,
            &user.criteria([("limit", "1000")]).expect("criteria"),
            &Publish::nobody(),
        )
        .await
        .expect("owner");
    assert_eq!(found["pets"].as_array().map(Vec::len), Some(40));
    std::fs::remove_dir_all(&dir).ok();
}

async fn send(service: &AppService, request: Request<Body>) -> (StatusCode, Value) {
    let response = service
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let body: Bytes = response
        .into_body()
        .collect()
        .await
        .expect("readable")
        .to_bytes();
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).expect("a JSON body")
    };
    (status, body)
}

fn request(method: &str, path: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder().method(method).uri(path);
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

/// A custom handler beside the blueprints: adopts a new pet through the model API.
async fn adopt(
    models: Models,
    by: Publish,
    Path(id): Path<i64>,
    Json(name): Json<String>,
) -> Result<Json<Record>, ModelError> {
    let pet = models
        .model("pet")?
        .create(record(json!({"name": name, "owner": id})), &by)
        .await?;
    Ok(Json(pet))
}

#[tokio::test]
async fn blueprints_sit_beside_custom_handlers_and_answer_over_http() {
    let models = Models::connect(
        "sqlite::memory:",
        [
            Model::new("user")
                .attribute("name", AttrType::String)
                .collection("pets", "pet", "owner")
                .prefix("/api")
                .route_name("users"),
            Model::new("pet")
                .attribute("name", AttrType::String)
                .model("owner", "user")
                .actions(Action::READ),
        ],
    )
    .await
    .expect("connect");
    let custom = models.clone();
    let app = Router::new().merge(models.routes()).route(
        "/api/users/{id}/adopt",
        post(move |by, path, body| adopt(custom.clone(), by, path, body)),
    );
    let service = Server::builder(app).build().expect("server").into_service();

    let (status, scott) = send(
        &service,
        request("POST", "/api/users", Some(json!({"name": "scott"}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{scott}");
    let (status, pet) = send(
        &service,
        request("POST", "/api/users/1/adopt", Some(json!("rex"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pet}");
    assert_eq!(pet["owner"]["name"], "scott");
    let (status, pets) = send(&service, request("GET", "/api/users/1/pets", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pets[0]["name"], "rex");
    // Only the actions asked for are mounted: `pet` is read-only, and has no prefix.
    let (status, _) = send(&service, request("GET", "/pet/1", None)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &service,
        request("POST", "/pet", Some(json!({"name": "fido"}))),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = send(&service, request("DELETE", "/pet/1", None)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = send(&service, request("GET", "/user", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The custom handler's errors are the model API's: a missing owner is a 409.
    let (status, body) = send(
        &service,
        request("POST", "/api/users/9/adopt", Some(json!("stray"))),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "conflict");
    // A body that is not a JSON object, and a replace that is not an array, are 400s.
    let (status, body) = send(&service, request("POST", "/api/users", Some(json!([1])))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("a JSON object")),
        "{body}"
    );
    let (status, body) = send(
        &service,
        request("PUT", "/api/users/1/pets", Some(json!({"id": 1}))),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("a JSON array of ids")),
        "{body}"
    );
    // A record's unique attribute is a 409 on a second use.
    let unique = Models::connect(
        "sqlite::memory:",
        [Model::new("account")
            .attribute("email", AttrType::String)
            .unique("email")],
    )
    .await
    .expect("connect");
    let accounts = unique.model("account").expect("account");
    accounts
        .create(record(json!({"email": "a@b.c"})), &Publish::nobody())
        .await
        .expect("first");
    let taken = accounts
        .create(record(json!({"email": "a@b.c"})), &Publish::nobody())
        .await
        .expect_err("second");
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert_eq!(
        taken.to_string(),
        "another `account` already has this `email`"
    );
}
