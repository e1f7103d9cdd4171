//! Checks, from a server's own tests, that its router serves every route a generated client
//! calls, at that client's path: the generator reads source, the router is what runs.
//!
//! Each route is probed through the router with a layer (added for the check only, so
//! serving costs nothing) that answers before any handler or extractor runs, with the route
//! template axum matched.

use std::convert::Infallible;
use std::future::Ready;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use futures_util::future::Either;
use http::{HeaderValue, Method, StatusCode};
use tower::{Layer, Service, ServiceExt};

/// The header a probe carries, and the one its answer names the matched route in.
const PROBE: &str = "x-sailroute-probe";
const MATCHED: &str = "x-sailroute-matched";

/// A route a client calls that the router does not serve as the client expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteMismatch {
    /// No route of the router matches the path.
    #[error(
        "{method} {path}: the router has no route there (a client calls it: is it mounted, under the nest prefix the client uses?)"
    )]
    NotMounted {
        /// The method the client uses.
        method: String,
        /// The path template the client calls (axum syntax).
        path: String,
    },
    /// The path reaches another route of the router.
    #[error("{method} {path}: the router matches `{matched}` instead")]
    Elsewhere {
        /// The method the client uses.
        method: String,
        /// The path template the client calls.
        path: String,
        /// The route the router matched.
        matched: String,
    },
    /// The method or path cannot be sent at all.
    #[error("{method} {path}: not a valid request ({reason})")]
    Invalid {
        /// The method.
        method: String,
        /// The path template.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Probes `router` with each `(method, path)` a client calls (path templates in axum's
/// syntax, `/api/todos/{id}`, as `sailroute-codegen`'s `Builder::routes` lists them) and
/// returns every route that is not served at that path. No handler runs.
///
/// ```
/// # async fn check() {
/// #[sailroute::get("/todos/:id")]
/// async fn get_todo(axum::extract::Path(id): axum::extract::Path<u64>) -> String { id.to_string() }
///
/// let app = axum::Router::new().nest("/api", sailroute::routes![get_todo]);
/// assert_eq!(sailroute::check_routes(app.clone(), [("GET", "/api/todos/{id}")]).await, vec![]);
/// assert_eq!(sailroute::check_routes(app, [("GET", "/todos/{id}")]).await.len(), 1);
/// # }
/// ```
pub async fn check_routes<'a>(
    router: Router,
    routes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<RouteMismatch> {
    let probed = router.layer(ProbeLayer);
    let mut mismatches = Vec::new();
    for (method, template) in routes {
        let invalid = |reason: String| RouteMismatch::Invalid {
            method: method.to_owned(),
            path: template.to_owned(),
            reason,
        };
        let request = Method::from_bytes(method.as_bytes())
            .map_err(|e| invalid(e.to_string()))
            .and_then(|m| {
                Request::builder()
                    .method(m)
                    .uri(sample_path(template))
                    .header(PROBE, "1")
                    .body(Body::empty())
                    .map_err(|e| invalid(e.to_string()))
            });
        let request = match request {
            Ok(request) => request,
            Err(e) => {
                mismatches.push(e);
                continue;
            }
        };
        let response = match probed.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let matched = response
            .headers()
            .get(MATCHED)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match matched {
            Some(matched) if matched == template => {}
            Some(matched) => mismatches.push(RouteMismatch::Elsewhere {
                method: method.to_owned(),
                path: template.to_owned(),
                matched,
            }),
            None => mismatches.push(RouteMismatch::NotMounted {
                method: method.to_owned(),
                path: template.to_owned(),
            }),
        }
    }
    mismatches
}

/// A concrete path for a template: each parameter a sample segment.
fn sample_path(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "sample"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Clone)]
struct ProbeLayer;

impl<S> Layer<S> for ProbeLayer {
    type Service = Probe<S>;

    fn layer(&self, inner: S) -> Probe<S> {
        Probe { inner }
    }
}

#[derive(Clone)]
struct Probe<S> {
    inner: S,
}

impl<S> Service<Request> for Probe<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if !request.headers().contains_key(PROBE) {
            return Either::Right(self.inner.call(request));
        }
        // The fallback (no route matched) has no `MatchedPath`: no header, so "not mounted".
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        if let Some(matched) = request.extensions().get::<MatchedPath>()
            && let Ok(value) = HeaderValue::from_str(matched.as_str())
        {
            response.headers_mut().insert(MATCHED, value);
        }
        Either::Left(std::future::ready(Ok(response)))
    }
}

#[cfg(test)]
mod tests {
    use super::sample_path;

    #[test]
    fn templates_get_sample_segments() {
        assert_eq!(sample_path("/api/todos/{id}"), "/api/todos/sample");
        assert_eq!(sample_path("/files/{*rest}"), "/files/sample");
        assert_eq!(sample_path("/"), "/");
    }
}
