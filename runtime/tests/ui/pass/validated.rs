//! Handlers the validation wrapper must keep compiling: validated types behind `Option` and
//! `Result` extractors, generics, a `cfg` that turns a handler off, an app's own extractor
//! not named `Json`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Query};
use sailroute::{get, post, routes};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize, garde::Validate)]
struct Item {
    #[garde(length(chars, min = 1))]
    name: String,
}

/// An extractor of the app's own, with its own rejection.
struct AppJson<T>(T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = axum::http::StatusCode;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| AppJson(value))
            .map_err(|_| axum::http::StatusCode::IM_A_TEAPOT)
    }
}

#[post("/optional")]
async fn optional(body: Option<Json<Item>>) -> Json<bool> {
    Json(body.is_some())
}

#[post("/fallible")]
async fn fallible(body: Result<Json<Item>, JsonRejection>) -> Json<bool> {
    Json(body.is_ok())
}

#[get("/query")]
async fn query(Query(item): Query<Item>) -> String {
    item.name
}

#[post("/own")]
async fn own(AppJson(item): AppJson<Item>) -> String {
    item.name
}

#[cfg(any())]
#[get("/off")]
async fn off() {}

fn main() {
    let _: axum::Router = routes![optional, fallible, query, own];
}
