//! The runtime's own layer between the transports and the application's router: catch-panic
//! (500), the request body limit (413), axum's extractor limit and the `Sockets` extension.
//!
//! One hand-written service rather than four `Router::layer` calls: axum boxes and clones
//! every route once per layer and per request, so the four layers added 0.73 µs to every HTTP
//! and every socket request; this guard adds 0.15 µs (`cargo bench -p sailroute-bench --bench
//! http`, docs/benchmarks.md).

use std::any::Any;
use std::convert::Infallible;
use std::future::Ready;
use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use futures_util::FutureExt;
use futures_util::future::{CatchUnwind, Either, Map};
use http::{Extensions, StatusCode, header};
use http_body::Body as _;
use tower::{Layer, Service};

use crate::sockets::Sockets;
use crate::wire::error_response;

/// The application's router behind the runtime's guards; both transports call this.
#[derive(Clone)]
pub(crate) struct Guarded {
    router: Router,
    max_body: usize,
    /// Inserted into every request: the `Sockets` handle and axum's extractor body limit.
    extensions: Extensions,
    /// Checks the contract hash a generated client sends (the `contract` feature).
    #[cfg(feature = "contract")]
    compatibility: Option<std::sync::Arc<crate::contract::Compatibility>>,
}

impl Guarded {
    pub(crate) fn new(
        router: Router,
        max_body: usize,
        sockets: Sockets,
        trust_proxy: &crate::client_ip::TrustProxy,
    ) -> Result<Self, String> {
        let mut extensions = body_limit_extensions(max_body)?;
        extensions.insert(sockets);
        if trust_proxy.is_on() {
            extensions.insert(trust_proxy.clone());
        }
        // Says that a request's extensions started as these (a socket request's do): they
        // need no merge. A zero-sized value, so its box allocates nothing.
        extensions.insert(Guards);
        // Room for what every request adds, made by growing the map once here (a map keeps
        // its capacity when entries go, and so do its copies): placeholder entries in, then
        // out again. A socket GET adds the peer address, the socket handle and axum's original
        // uri, matched path and url parameters, to the three here: eight, one more than the
        // seven a map of eight buckets holds, so without this every request grew its map.
        // Peaking at nine or more entries gives sixteen buckets (room for fourteen: the
        // client address, a session, an app's own extensions).
        extensions.insert(Placeholder::<0>);
        extensions.insert(Placeholder::<1>);
        extensions.insert(Placeholder::<2>);
        extensions.insert(Placeholder::<3>);
        extensions.insert(Placeholder::<4>);
        extensions.insert(Placeholder::<5>);
        extensions.remove::<Placeholder<0>>();
        extensions.remove::<Placeholder<1>>();
        extensions.remove::<Placeholder<2>>();
        extensions.remove::<Placeholder<3>>();
        extensions.remove::<Placeholder<4>>();
        extensions.remove::<Placeholder<5>>();
        Ok(Guarded {
            // Turns every handler into its route once, here: a handler route not yet given its
            // state is cloned and made into a route on every request it serves (axum's
            // `MethodEndpoint::BoxedHandler`; `axum::serve` does the same through
            // `into_make_service`).
            router: router.with_state(()),
            max_body,
            extensions,
            #[cfg(feature = "contract")]
            compatibility: None,
        })
    }

    /// The extensions every request gets, for a request built here (a socket's virtual
    /// request) to start with: then its own are added to a map that has room for them, and the
    /// guard does not merge them again.
    pub(crate) fn extensions(&self) -> Extensions {
        self.extensions.clone()
    }

    /// Refuses (409) requests from clients of an incompatible contract.
    #[cfg(feature = "contract")]
    pub(crate) fn set_compatibility(
        &mut self,
        compatibility: Option<std::sync::Arc<crate::contract::Compatibility>>,
    ) {
        self.compatibility = compatibility;
    }
}

/// Marks the guard's extensions, in a request that was built on them.
#[derive(Clone, Copy)]
struct Guards;

/// A distinct type per `N`, only to occupy an entry of an extensions map for a moment.
#[derive(Clone, Copy)]
struct Placeholder<const N: u8>;

/// The extension `DefaultBodyLimit::max(max)` inserts. Its type is private to axum, so the
/// layer is run once on a probe request and what it inserted is kept. If a future axum
/// inserts nothing there, building the server fails rather than leave the extractor limit at
/// axum's default.
fn body_limit_extensions(max: usize) -> Result<Extensions, String> {
    let probe = tower::service_fn(|request: Request| {
        std::future::ready(Ok::<_, Infallible>(request.into_parts().0.extensions))
    });
    let mut service = DefaultBodyLimit::max(max).layer(probe);
    // The probe answers at once; its future is ready on the first poll.
    let extensions = service
        .call(Request::new(Body::empty()))
        .now_or_never()
        .and_then(Result::ok);
    match extensions {
        Some(extensions) if !extensions.is_empty() => Ok(extensions),
        _ => Err(format!(
            "cannot set axum's extractor body limit to {max} bytes: DefaultBodyLimit no longer inserts its extension where sailroute reads it (a sailroute bug with this axum version; please report it)"
        )),
    }
}

type Caught = Result<Result<Response, Infallible>, Box<dyn Any + Send>>;

/// The future of a guarded call.
pub(crate) type GuardedFuture = Either<
    Ready<Result<Response, Infallible>>,
    Map<
        CatchUnwind<AssertUnwindSafe<<Router as Service<Request>>::Future>>,
        fn(Caught) -> Result<Response, Infallible>,
    >,
>;

impl Service<Request> for Guarded {
    type Response = Response;
    type Error = Infallible;
    type Future = GuardedFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.serve(request)
    }
}

impl Guarded {
    /// [`Service::call`] without a `&mut`: a socket request is served from the shared guard,
    /// not from a clone of it (a clone copies the extensions map).
    pub(crate) fn serve(&self, mut request: Request) -> GuardedFuture {
        #[cfg(feature = "contract")]
        if let Some(check) = &self.compatibility
            && let Some(hash) = request
                .headers()
                .get(crate::contract::CONTRACT_HEADER)
                .and_then(|v| v.to_str().ok())
            && let Err(refused) = check.check(hash)
        {
            return Either::Left(std::future::ready(Ok(refused.response())));
        }
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let max = self.max_body as u64;
        if declared.is_some_and(|length| length > max) {
            return Either::Left(std::future::ready(Ok(too_large(self.max_body))));
        }
        // A body whose size is known to be within the limit (hyper holds a body to its
        // content-length; a virtual request's is exact) needs no counting wrapper.
        if request
            .body()
            .size_hint()
            .upper()
            .is_none_or(|upper| upper > max)
        {
            request =
                request.map(|body| Body::new(http_body_util::Limited::new(body, self.max_body)));
        }
        // Into a copy of ours rather than the other way round: ours has room for what the
        // router adds, so no request grows its map again. A request built on ours has them.
        if request.extensions().get::<Guards>().is_none() {
            let theirs = std::mem::replace(request.extensions_mut(), self.extensions.clone());
            request.extensions_mut().extend(theirs);
        }

        // A router's clone is a reference count; its `call` needs it as `&mut`.
        let mut router = self.router.clone();
        match std::panic::catch_unwind(AssertUnwindSafe(move || {
            <Router as Service<Request>>::call(&mut router, request)
        })) {
            Ok(future) => Either::Right(
                AssertUnwindSafe(future)
                    .catch_unwind()
                    .map(recover as fn(Caught) -> Result<Response, Infallible>),
            ),
            Err(panic) => Either::Left(std::future::ready(recover(Err(panic)))),
        }
    }
}

/// A panic in a handler becomes a 500, logged with its message; the process goes on serving.
fn recover(result: Caught) -> Result<Response, Infallible> {
    match result {
        Ok(answered) => answered,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with a non-string payload".to_owned());
            tracing::error!(panic = %message, "a handler panicked; answered 500");
            Ok(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal server error",
            ))
        }
    }
}

fn too_large(max: usize) -> Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than the limit of {max} bytes"),
    )
}
