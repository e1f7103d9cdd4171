//! How a refused connection is told, with engine.io's own status codes and bodies.

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};

use crate::policy::Refusal;

/// How a refused client expects to be told, matching engine.io's own refusals.
pub(crate) enum Transport {
    WebSocket,
    Polling,
}

impl Transport {
    pub(crate) fn of(request: &Request) -> Self {
        let upgrade = request
            .headers()
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        if upgrade {
            Transport::WebSocket
        } else {
            Transport::Polling
        }
    }

    pub(crate) fn refuse_origin(&self) -> Response {
        match self {
            Transport::WebSocket => text_response(
                StatusCode::BAD_REQUEST,
                "text/html",
                "Bad request".to_owned(),
            ),
            Transport::Polling => text_response(
                StatusCode::BAD_REQUEST,
                "application/json",
                r#"{"code":3,"message":"Bad request"}"#.to_owned(),
            ),
        }
    }

    /// A session bound to another client: answered as engine.io answers an unknown session.
    pub(crate) fn refuse_session(&self) -> Response {
        text_response(
            StatusCode::BAD_REQUEST,
            "application/json",
            r#"{"code":1,"message":"Session ID unknown"}"#.to_owned(),
        )
    }

    pub(crate) fn refuse_hook(&self, refusal: &Refusal) -> Response {
        match self {
            Transport::WebSocket => text_response(
                StatusCode::BAD_REQUEST,
                "text/html",
                refusal.message().to_owned(),
            ),
            Transport::Polling => text_response(
                StatusCode::FORBIDDEN,
                "application/json",
                serde_json::json!({ "code": 4, "message": refusal.message() }).to_string(),
            ),
        }
    }
}

/// A response with a fixed body and content type (refusals, the browser client, errors).
pub(crate) fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
