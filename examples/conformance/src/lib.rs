//! The conformance application: every route the wire-compatibility suites (and the shared
//! load generator) drive. `main.rs` serves it; tests can also build it in-process.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sailroute::sessions::Session;
use sailroute::{Socket, Sockets, routes};
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes, with the auth middleware over all of them.
pub fn app() -> Router {
    // Every route that has one method and path is declared with the route macros; /inspect
    // answers five methods on two paths from one handler, so it is routed by hand.
    routes![
        hello,
        echo,
        subscribe,
        leave,
        broadcast,
        blast,
        user,
        status,
        text,
        empty,
        redirect,
        headers,
        panic,
        slow,
        protected,
        cookie,
        client_ip,
        session_user,
        login,
        logout,
        members
    ]
    .route(
        "/inspect",
        get(inspect)
            .post(inspect)
            .put(inspect)
            .patch(inspect)
            .delete(inspect),
    )
    .route(
        "/inspect/{*rest}",
        get(inspect)
            .post(inspect)
            .put(inspect)
            .patch(inspect)
            .delete(inspect),
    )
    .fallback(|| async { (StatusCode::NOT_FOUND, "Not Found") })
    .layer(middleware::from_fn(require_auth))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Guards `/protected` for the whole router, the way an application guards a prefix; since
/// socket requests run through the same router, it guards them too.
async fn require_auth(request: Request, next: Next) -> Response {
    let is_protected = request.uri().path() == "/protected";
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v == "Bearer let-me-in");
    if is_protected && !authorized {
        return error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    next.run(request).await
}

#[sailroute::get("/hello")]
async fn hello() -> Json<Value> {
    Json(json!({ "hello": "world" }))
}

#[sailroute::post("/echo")]
async fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

#[sailroute::put("/subscribe/:room")]
async fn subscribe(socket: Socket, Path(room): Path<String>) -> Response {
    match socket.join(room.as_str()).await {
        Ok(()) => Json(json!({ "joined": room })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[sailroute::post("/leave/:room")]
async fn leave(socket: Option<Socket>, Path(room): Path<String>) -> Response {
    if let Some(socket) = socket
        && let Err(e) = socket.leave(room.as_str()).await
    {
        return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    Json(json!({ "left": room })).into_response()
}

#[sailroute::post("/broadcast/:room")]
async fn broadcast(
    sockets: Sockets,
    socket: Option<Socket>,
    Path(room): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let omit = socket.map(|s| s.id());
    match sockets
        .broadcast(room.as_str(), "msg", &body, omit.as_deref())
        .await
    {
        Ok(()) => Json(json!({ "sent": true })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[derive(Deserialize)]
struct Blast {
    event: String,
    #[serde(default)]
    data: Value,
}

#[sailroute::post("/blast")]
async fn blast(sockets: Sockets, socket: Option<Socket>, Json(blast): Json<Blast>) -> Response {
    let omit = socket.map(|s| s.id());
    match sockets
        .blast(&blast.event, &blast.data, omit.as_deref())
        .await
    {
        Ok(()) => Json(json!({ "sent": true })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn inspect(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    socket: Option<Socket>,
    body: Bytes,
) -> Json<Value> {
    let mut query: BTreeMap<String, Value> = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        let (key, value) = (key.into_owned(), value.into_owned());
        match query.get_mut(&key) {
            None => {
                query.insert(key, Value::String(value));
            }
            Some(Value::Array(values)) => values.push(Value::String(value)),
            Some(first) => {
                let first = first.take();
                query.insert(key, Value::Array(vec![first, Value::String(value)]));
            }
        }
    }
    let mut header_map = serde_json::Map::new();
    for name in headers.keys() {
        let joined = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        header_map.insert(name.as_str().to_owned(), Value::String(joined));
    }
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "body": body,
        "headers": header_map,
        "isSocket": socket.is_some(),
        "socketId": socket.map(|s| s.id()),
    }))
}

#[sailroute::get("/users/:id")]
async fn user(id: Result<Path<u64>, axum::extract::rejection::PathRejection>) -> Response {
    match id {
        Ok(Path(id)) => Json(json!({ "id": id })).into_response(),
        Err(rejection) => error(StatusCode::BAD_REQUEST, rejection.body_text()),
    }
}

#[sailroute::get("/status/:code")]
async fn status(Path(code): Path<String>) -> Response {
    match code
        .parse::<u16>()
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
    {
        Some(status) if status.as_u16() >= 200 => {
            (status, Json(json!({ "status": status.as_u16() }))).into_response()
        }
        _ => error(
            StatusCode::BAD_REQUEST,
            format!("{code:?} is not a status code from 200 to 999"),
        ),
    }
}

#[sailroute::get("/redirect")]
async fn redirect() -> Response {
    (StatusCode::FOUND, [(header::LOCATION, "/hello")]).into_response()
}

#[sailroute::get("/headers")]
async fn headers() -> Response {
    (
        [
            ("x-custom", "abc"),
            (header::SET_COOKIE.as_str(), "flavour=oat; Path=/"),
        ],
        Json(json!({ "ok": true })),
    )
        .into_response()
}

#[sailroute::get("/panic")]
async fn panic() -> Json<Value> {
    panic!("this handler panics on purpose");
}

#[derive(Deserialize)]
struct Slow {
    ms: u64,
}

#[sailroute::get("/slow")]
async fn slow(query: Result<Query<Slow>, axum::extract::rejection::QueryRejection>) -> Response {
    match query {
        Ok(Query(Slow { ms })) if ms <= 10_000 => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Json(json!({ "slept": ms })).into_response()
        }
        Ok(Query(Slow { ms })) => error(
            StatusCode::BAD_REQUEST,
            format!("ms must be at most 10000, got {ms}"),
        ),
        Err(rejection) => error(StatusCode::BAD_REQUEST, rejection.body_text()),
    }
}

#[sailroute::get("/cookie")]
async fn cookie(headers: HeaderMap) -> Json<Value> {
    let cookie = headers
        .get(header::COOKIE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    Json(json!({ "cookie": cookie }))
}

/// How many sockets are in `room`, on every node (the reconnect storm counts resubscriptions
/// with it).
#[sailroute::get("/rooms/:room/members")]
async fn members(sockets: Sockets, Path(room): Path<String>) -> Response {
    match sockets.socket_ids(&room).await {
        Ok(ids) => Json(json!({ "count": ids.len() })).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    }
}

/// The session's user (`--sessions`): `{"user": null}` until one logs in.
#[sailroute::get("/session")]
async fn session_user(session: Session) -> Response {
    match session.get::<String>("user").await {
        Ok(user) => Json(json!({ "user": user })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[derive(Deserialize)]
struct Login {
    user: String,
}

/// Logs `user` in to the session (over either transport).
#[sailroute::put("/session")]
async fn login(session: Session, Json(login): Json<Login>) -> Response {
    match session.insert("user", &login.user).await {
        Ok(()) => Json(json!({ "user": login.user })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Ends the session.
#[sailroute::delete("/session")]
async fn logout(session: Session) -> Response {
    match session.flush().await {
        Ok(()) => Json(json!({ "user": null })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The client's address, by the same rule on both transports (`--trust-proxy` to honour
/// forwarded headers).
#[sailroute::get("/ip")]
async fn client_ip(sailroute::ClientIp(ip): sailroute::ClientIp) -> Json<Value> {
    Json(json!({ "ip": ip.to_string() }))
}

#[sailroute::get("/text")]
async fn text() -> &'static str {
    "hello"
}

#[sailroute::get("/empty")]
async fn empty() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Guarded by [`require_auth`], not by anything in here.
#[sailroute::get("/protected")]
async fn protected() -> Json<Value> {
    Json(json!({ "ok": true }))
}
