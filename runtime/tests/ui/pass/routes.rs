use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use sailroute::{delete, get, post, put, routes};
use serde::Deserialize;

#[derive(Clone, Default)]
struct AppState;

#[derive(Deserialize)]
struct Pair {
    a: u32,
    b: String,
}

#[derive(Deserialize)]
struct Page {
    #[allow(dead_code)]
    n: Option<u32>,
}

/// Sails syntax, one parameter.
#[get("/users/:id")]
async fn get_user(Path(id): Path<u64>) -> Json<u64> {
    Json(id)
}

/// axum syntax, a tuple, state.
#[put("/users/{id}/tags/{tag}")]
async fn tag_user(State(_): State<AppState>, Path((id, tag)): Path<(u64, String)>) -> Json<(u64, String)> {
    Json((id, tag))
}

/// A struct binds parameters by name.
#[get("/pairs/:a/:b")]
async fn pair(Path(p): Path<Pair>) -> String {
    format!("{}{}", p.a, p.b)
}

/// Same path, another method.
#[delete("/users/:id")]
async fn delete_user(Path(_id): Path<u64>) -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Query and body, a catch-all.
#[post("/files/*rest")]
async fn upload(Path(rest): Path<String>, Query(_page): Query<Page>, Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "rest": rest, "body": body }))
}

mod nested {
    use sailroute::get;

    #[get("/health")]
    pub async fn health() {}
}

fn main() {
    let _app: axum::Router = routes![get_user, tag_user, pair, delete_user, upload, nested::health]
        .with_state(AppState);
}
