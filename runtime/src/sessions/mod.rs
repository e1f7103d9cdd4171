//! Sessions shared by HTTP and socket requests, on tower-sessions (the `sessions` feature).
//!
//! The same `SessionManagerLayer` wraps the application's router for both transports, so a
//! handler takes tower-sessions' own [`Session`] extractor and reads and writes it the same way
//! over HTTP and over a socket. What differs is where a socket request's session cookie comes
//! from, as in Sails:
//!
//! * a socket whose handshake carried the session cookie shares that session with the browser's
//!   HTTP requests (a write on either side is seen by the other);
//! * a socket without one gets a session of its own the first time a handler writes to it. Its
//!   cookie is kept by the server for that socket (a socket response never carries
//!   `set-cookie`), so two such sockets never share a session, and the session is deleted from
//!   the store when the socket disconnects, since nothing else can ever name it;
//! * a socket whose handshake has a `nosession` header or query parameter (or a request with a
//!   `nosession` header) gets a fresh empty session for each request that is never saved.
//!
//! `GET /__getcookie` goes through the same layer and makes sure the browser has a session
//! cookie (its `Set-Cookie` is the only place a page on another origin can get it). Anyone can
//! call it in a loop, so the session it makes for a cookie-less browser lives only
//! [`GETCOOKIE_TTL`] in the store until a socket's handshake names it (then it is kept as any
//! session) or a handler writes to it; its cookie still lasts the browser session.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::{HeaderMap, StatusCode};
use tower::{Layer, Service, ServiceExt};
use tower_sessions::cookie::Cookie;
use tower_sessions::session::Id;

mod face;
mod getcookie;
mod memory_store;
mod socket;

use face::SessionFace;
pub use getcookie::start;
use getcookie::*;
use socket::{Local, cookie_value};
pub(crate) use socket::{NoSession, SocketSession};

pub use memory_store::MemoryStore;
pub use tower_sessions::cookie::SameSite;
pub use tower_sessions::session;
pub use tower_sessions::session_store::{self, SessionStore};
pub use tower_sessions::{Expiry, Session, SessionManagerLayer};

#[cfg(feature = "redis")]
pub use crate::redis_session::RedisStore;

/// The session key `/__getcookie` writes when the browser has no session yet: a session with
/// no data is never saved, so it would get no cookie.
pub const GETCOOKIE_KEY: &str = "sailroute.getcookie";

/// How long a session that `/__getcookie` made stays in the store while nothing uses it (no
/// socket handshake names it and no handler writes to it), unless
/// [`Sessions::getcookie_ttl`] says otherwise. sails.io.js connects right after it fetches the
/// cookie, so a page that uses its cookie does so well within this.
pub const GETCOOKIE_TTL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// [`GETCOOKIE_KEY`]'s value in a session nothing has used yet.
pub(super) const UNUSED: &str = "unused";

/// Sessions for both transports: a tower-sessions store and its cookie settings, given to
/// [`ServerBuilder::sessions`](crate::ServerBuilder::sessions).
///
/// ```
/// use sailroute::sessions::{MemoryStore, Sessions};
///
/// # fn builder(app: axum::Router) -> sailroute::ServerBuilder {
/// sailroute::Server::builder(app).sessions(
///     Sessions::new(MemoryStore::default())
///         .cookie_name("sails.sid")
///         // Served over plain http in development; keep the default (`true`) behind TLS.
///         .configure(|layer| layer.with_secure(false)),
/// )
/// # }
/// ```
pub struct Sessions<S: SessionStore> {
    store: S,
    name: String,
    getcookie_ttl: std::time::Duration,
    configure: Box<dyn Fn(SessionManagerLayer<S>) -> SessionManagerLayer<S> + Send + Sync>,
}

impl<S: SessionStore> std::fmt::Debug for Sessions<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("store", &self.store)
            .field("cookie_name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<S: SessionStore + Clone> Sessions<S> {
    /// Sessions kept in `store` ([`MemoryStore`] for one node; `RedisStore` with the `redis`
    /// feature for several), with tower-sessions' default cookie: named `id`, `HttpOnly`,
    /// `Secure`, `SameSite=Strict`, path `/`, ending with the browser session.
    pub fn new(store: S) -> Self {
        Sessions {
            store,
            name: "id".to_owned(),
            getcookie_ttl: GETCOOKIE_TTL,
            configure: Box::new(|layer| layer),
        }
    }

    /// The session cookie's name (`id` by default; Sails calls it `sails.sid`).
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How long a session that `/__getcookie` made for a cookie-less browser stays in the store
    /// while nothing uses it; [`GETCOOKIE_TTL`] by default. A socket handshake that names it, or
    /// a handler's write, keeps it as any other session.
    pub fn getcookie_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.getcookie_ttl = ttl;
        self
    }

    /// Sets the cookie's other attributes on tower-sessions' own layer: `with_secure`,
    /// `with_same_site`, `with_expiry`, `with_domain`, `with_path`, `with_http_only`,
    /// `with_always_save`. The name stays [`cookie_name`](Self::cookie_name)'s whatever
    /// `configure` sets, because socket requests find their session cookie by it.
    pub fn configure(
        mut self,
        configure: impl Fn(SessionManagerLayer<S>) -> SessionManagerLayer<S> + Send + Sync + 'static,
    ) -> Self {
        self.configure = Box::new(configure);
        self
    }

    /// Erases the store's type.
    pub(crate) fn into_config(self) -> SessionsConfig {
        let Sessions {
            store,
            name,
            getcookie_ttl,
            configure,
        } = self;
        let layer = configure(SessionManagerLayer::new(store.clone())).with_name(name.clone());
        let store = Arc::new(store);
        let face_store = store.clone();
        let promote_store = store.clone();
        SessionsConfig {
            name: Arc::from(name),
            getcookie_ttl,
            promote: Arc::new(move |id| {
                let store = promote_store.clone();
                Box::pin(async move { promote(&*store, id).await })
            }),
            apply: Arc::new(move |router| {
                router.layer(SessionFace {
                    layer: layer.clone(),
                    store: face_store.clone(),
                })
            }),
            open: Arc::new(move |id| Session::new(id, store.clone(), None)),
        }
    }
}

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// [`Sessions`] with the store's type erased, as the server keeps it.
#[derive(Clone)]
pub(crate) struct SessionsConfig {
    name: Arc<str>,
    getcookie_ttl: std::time::Duration,
    apply: Arc<dyn Fn(Router) -> Router + Send + Sync>,
    /// A session handle for an id, on the configured store.
    open: Arc<dyn Fn(Option<Id>) -> Session + Send + Sync>,
    /// Keeps an unused `/__getcookie` session that a socket's handshake names.
    promote: Arc<dyn Fn(Id) -> BoxFuture + Send + Sync>,
}

impl SessionsConfig {
    /// The application's router with sessions on it.
    pub(crate) fn apply(&self, router: Router) -> Router {
        (self.apply)(router)
    }

    /// `GET /__getcookie` with sessions: answers `_sailsIoJSConnect();` and makes sure the
    /// browser has a session cookie.
    pub(crate) fn getcookie_router(&self) -> Router {
        let ttl = self.getcookie_ttl;
        let route = axum::routing::get(move |session: Session| getcookie(session, ttl));
        self.apply(Router::new().route("/__getcookie", route))
            .layer(axum::middleware::map_response(browser_session_cookie))
    }

    /// A socket's handshake names its session: if that is an unused `/__getcookie` session,
    /// keep it as long as any session, since the socket cannot get a new cookie to the browser.
    pub(crate) async fn on_handshake(&self, parts: &http::request::Parts) {
        let id = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .find_map(|value| cookie_value(value, &self.name))
            .and_then(|value| value.parse::<Id>().ok());
        if let Some(id) = id {
            (self.promote)(id).await;
        }
    }

    /// What a socket's requests do about sessions, from its handshake.
    pub(crate) fn for_socket(&self, parts: &http::request::Parts) -> SocketSession {
        let off = parts.headers.contains_key("nosession")
            || parts.uri.query().is_some_and(|query| {
                form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "nosession")
            });
        let handshake = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .find_map(|value| cookie_value(value, &self.name));
        SocketSession {
            name: self.name.clone(),
            off,
            handshake,
            open: self.open.clone(),
            local: Mutex::new(Local::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket(handshake_cookie: Option<&str>, uri: &str) -> SocketSession {
        let config = Sessions::new(MemoryStore::default())
            .cookie_name("sid")
            .into_config();
        let mut request = http::Request::builder().uri(uri);
        if let Some(cookie) = handshake_cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        config.for_socket(&parts)
    }

    fn request_with(cookie: Option<&str>) -> Request {
        let mut request = Request::new(axum::body::Body::empty());
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        request
    }

    fn cookie_of(request: &Request) -> Option<&str> {
        request
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
    }

    fn set_cookie(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::SET_COOKIE, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn socket_with(handshake_cookie: Option<&str>) -> SocketSession {
        socket(handshake_cookie, "/socket.io/")
    }

    #[test]
    fn finds_a_cookie_by_name() {
        let header = HeaderValue::from_static("a=1; id=abc ; b=2");
        assert_eq!(cookie_value(&header, "id").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&header, "c"), None);
        let encoded = HeaderValue::from_static("sails%2Esid=abc");
        assert_eq!(cookie_value(&encoded, "sails.sid").as_deref(), Some("abc"));
    }

    /// Issue 23, point 4: a cookie whose session the store no longer has gets a new session
    /// (and so a new cookie) from `start`, instead of being taken for a session that exists.
    #[tokio::test]
    async fn start_replaces_a_session_the_store_lost() {
        let store = Arc::new(MemoryStore::default());
        let gone = Session::new(Some(Id::default()), store.clone(), None);
        start(&gone).await.expect("started");
        assert!(gone.is_modified(), "the layer saves it and sets a cookie");
        gone.save().await.expect("saved");
        let new_id = gone.id().expect("a new id");
        assert_eq!(store.len(), 1);
        // A session that exists is left alone.
        let kept = Session::new(Some(new_id), store.clone(), None);
        start(&kept).await.expect("started");
        assert!(!kept.is_modified());
    }

    /// Issue 23, point 7: the session `/__getcookie` makes is forgotten unless used, and a
    /// socket's handshake that names it keeps it.
    #[tokio::test]
    async fn an_unused_getcookie_session_is_forgotten_unless_a_socket_names_it() {
        use tower_sessions::cookie::time::{Duration, OffsetDateTime};
        let store = MemoryStore::default();
        let config = Sessions::new(store.clone())
            .cookie_name("sid")
            .into_config();
        let session = Session::new(None, Arc::new(store.clone()), None);
        assert!(begin(&session, Some(GETCOOKIE_TTL)).await.expect("begun"));
        session.save().await.expect("saved");
        let id = session.id().expect("an id");
        let expiry = |store: MemoryStore| async move {
            store
                .load(&id)
                .await
                .expect("loaded")
                .expect("kept")
                .expiry_date
        };
        assert!(expiry(store.clone()).await < OffsetDateTime::now_utc() + Duration::minutes(11));
        let (parts, ()) = http::Request::builder()
            .header(header::COOKIE, format!("sid={id}"))
            .body(())
            .expect("request")
            .into_parts();
        config.on_handshake(&parts).await;
        assert!(expiry(store.clone()).await > OffsetDateTime::now_utc() + Duration::days(13));
    }

    #[test]
    fn the_handshake_cookie_names_the_session_whatever_the_request_says() {
        let socket = socket(Some("sid=shared; theme=dark"), "/socket.io/");
        let mut request = request_with(Some("sid=other; theme=dark"));
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), Some("theme=dark; sid=shared"));
        // Already right: left as it is.
        let mut request = request_with(Some("sid=shared; theme=dark"));
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), Some("sid=shared; theme=dark"));
        // Two session cookies: only the socket's stays.
        let mut request = request_with(Some("sid=shared; sid=other"));
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), Some("sid=shared"));
        // The session layer decodes names: an encoded one is the session cookie too, and goes
        // (issue 23, point 5).
        let mut request = request_with(Some("s%69d=forged; theme=dark"));
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), Some("theme=dark; sid=shared"));
        let cookieless = socket_with(None);
        let mut request = request_with(Some("s%69d=forged"));
        cookieless.prepare(&mut request);
        assert_eq!(cookie_of(&request), None);
    }

    #[test]
    fn a_socket_keeps_the_session_its_responses_set_and_owns_a_new_one() {
        let socket = socket(None, "/socket.io/");
        let mut request = request_with(Some("sid=forged"));
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), None);

        let id = Id::default();
        let stale = socket.observe(&set_cookie(&format!("sid={id}; HttpOnly; Path=/")));
        assert!(stale.is_none());
        let mut request = request_with(None);
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), Some(format!("sid={id}").as_str()));
        assert_eq!(socket.session().and_then(|s| s.id()), Some(id));

        // A new id (two first writes at once, or `cycle_id`): the old one is handed back to
        // be deleted, the new one is owned.
        let next = Id::default();
        let stale = socket.observe(&set_cookie(&format!("sid={next}; Path=/")));
        assert_eq!(stale.and_then(|s| s.id()), Some(id));
        assert_eq!(socket.owned().and_then(|s| s.id()), Some(next));
    }

    #[test]
    fn a_removed_cookie_leaves_the_socket_without_a_session() {
        let shared = Id::default();
        let socket = socket(Some(&format!("sid={shared}")), "/socket.io/");
        // The shared session re-sent after a write is not the socket's own.
        assert!(
            socket
                .observe(&set_cookie(&format!("sid={shared}; Path=/")))
                .is_none()
        );
        assert!(socket.owned().is_none());
        assert!(
            socket
                .observe(&set_cookie("sid=; Max-Age=0; Path=/"))
                .is_none()
        );
        let mut request = request_with(None);
        socket.prepare(&mut request);
        assert_eq!(cookie_of(&request), None);
        assert!(socket.session().is_none());
    }

    #[test]
    fn nosession_in_the_handshake_header_or_query_turns_sessions_off() {
        for socket in [
            socket(Some("sid=x"), "/socket.io/?EIO=4&nosession=true"),
            socket(Some("sid=x"), "/socket.io/?nosession"),
        ] {
            let mut request = request_with(Some("sid=x"));
            socket.prepare(&mut request);
            assert!(request.extensions().get::<NoSession>().is_some());
            assert!(socket.session().is_none());
        }
        let on = socket(Some("sid=x"), "/socket.io/?EIO=4");
        let mut request = request_with(None);
        request
            .headers_mut()
            .insert("nosession", HeaderValue::from_static("1"));
        on.prepare(&mut request);
        assert!(request.extensions().get::<NoSession>().is_some());
    }
}
