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

pub use crate::memory_store::MemoryStore;
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
const UNUSED: &str = "unused";

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

/// Makes sure `session` is kept and its cookie set by this response, even before it holds
/// any data (a session without data is never saved, so it would get no cookie): writes
/// [`GETCOOKIE_KEY`] into it when it is empty — or when the browser's cookie names a session
/// the store no longer has (expired, a restarted memory store, a logout over a socket), which
/// then gets a new id and a new cookie. What `/__getcookie` does; a page's own route can do the
/// same so that the browser has the cookie before its socket connects.
///
/// # Errors
///
/// The store's error when the session could not be loaded.
pub async fn start(session: &Session) -> Result<(), tower_sessions::session::Error> {
    begin(session, None).await.map(|_| ())
}

/// [`start`]; `unused_ttl` is `None` for a session wanted for good (a page's route), or how
/// long the store keeps it unless something uses it (`/__getcookie`). Whether it made a new
/// session.
async fn begin(
    session: &Session,
    unused_ttl: Option<std::time::Duration>,
) -> Result<bool, tower_sessions::session::Error> {
    // Load first: `is_empty` alone answers "no" for a cookie whose session is gone, because it
    // asks before the store is read (issue 23, point 4). Loading a missing session clears its
    // id, so the write below makes a new one and the response sets its cookie.
    session.get_value(GETCOOKIE_KEY).await?;
    if !session.is_empty().await {
        return Ok(false);
    }
    match unused_ttl {
        None => session.insert(GETCOOKIE_KEY, true).await?,
        Some(ttl) => {
            session.insert(GETCOOKIE_KEY, UNUSED).await?;
            let ttl = tower_sessions::cookie::time::Duration::try_from(ttl)
                .unwrap_or(tower_sessions::cookie::time::Duration::MAX);
            session.set_expiry(Some(Expiry::OnInactivity(ttl)));
        }
    }
    Ok(true)
}

/// Marks a `/__getcookie` response whose session is new and unused: its cookie keeps the
/// browser-session lifetime although the store forgets the session after [`GETCOOKIE_TTL`].
#[derive(Clone, Copy)]
struct UnusedSession;

/// Takes `Max-Age` and `Expires` off the session cookie of an [`UnusedSession`] response: the
/// short lifetime is the store's, not the browser's.
async fn browser_session_cookie(mut response: Response) -> Response {
    if response.extensions().get::<UnusedSession>().is_none() {
        return response;
    }
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for value in cookies {
        let rewritten = value
            .to_str()
            .ok()
            .and_then(|text| Cookie::parse(text.to_owned()).ok())
            .and_then(|mut cookie| {
                cookie.unset_expires();
                cookie.set_max_age(None);
                HeaderValue::from_str(&cookie.to_string()).ok()
            });
        headers.append(header::SET_COOKIE, rewritten.unwrap_or(value));
    }
    response
}

/// Keeps `id` if it is an unused `/__getcookie` session: from then on it lives as any session
/// the layer saves without an expiry (two weeks in tower-sessions).
async fn promote<S: SessionStore>(store: &S, id: Id) {
    let mut record = match store.load(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not load a socket's session at its handshake");
            return;
        }
    };
    let unused = record.data.len() == 1
        && record.data.get(GETCOOKIE_KEY).and_then(|v| v.as_str()) == Some(UNUSED);
    if !unused {
        return;
    }
    record.data.insert(GETCOOKIE_KEY.to_owned(), true.into());
    // What tower-sessions gives a session saved without an expiry.
    let kept = tower_sessions::cookie::time::OffsetDateTime::now_utc()
        + tower_sessions::cookie::time::Duration::weeks(2);
    record.expiry_date = record.expiry_date.max(kept);
    if let Err(e) = store.save(&record).await {
        tracing::warn!(error = %e, "could not keep a socket's session at its handshake");
    }
}

async fn getcookie(session: Session, ttl: std::time::Duration) -> Response {
    match begin(&session, Some(ttl)).await {
        Ok(fresh) => {
            let mut response = (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/javascript; charset=utf-8"),
                )],
                "_sailsIoJSConnect();",
            )
                .into_response();
            if fresh {
                response.extensions_mut().insert(UnusedSession);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "/__getcookie: the session store failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the session store failed",
            )
                .into_response()
        }
    }
}

/// Marks a request whose session is off: it gets a fresh session that is never saved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NoSession;

/// What one socket's requests do about sessions.
pub(crate) struct SocketSession {
    name: Arc<str>,
    /// The handshake (`nosession` header or query parameter) turned sessions off.
    off: bool,
    /// The session cookie's value in the handshake, if it had one.
    handshake: Option<String>,
    open: Arc<dyn Fn(Option<Id>) -> Session + Send + Sync>,
    local: Mutex<Local>,
}

/// What a socket's own responses set.
#[derive(Default)]
struct Local {
    /// `None`: the handshake's cookie as it is; `Some(None)`: no session cookie (the session
    /// was removed); `Some(Some(v))`: the cookie a response set, kept for this socket.
    cookie: Option<Option<String>>,
    /// A session made for this socket alone (nobody else has its cookie), deleted with it.
    owned: Option<Id>,
}

impl SocketSession {
    /// Sets the session cookie of a request about to go to the router, or marks it
    /// session-less.
    pub(crate) fn prepare(&self, request: &mut Request) {
        if self.off || request.headers().contains_key("nosession") {
            request.extensions_mut().insert(NoSession);
            return;
        }
        // The socket's session cookie, whatever the request's own `cookie` header says: a
        // request cannot pick another session (as the handshake cookie wins in Sails).
        let cookie = match self.lock().cookie.clone() {
            Some(cookie) => cookie,
            None => self.handshake.clone(),
        };
        let headers = request.headers_mut();
        // Names are compared decoded, as tower-cookies reads them: `sails%2Esid=S` is the
        // session cookie too (issue 23, point 5).
        let mut current = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(key, _)| is_named(key, &self.name))
            .map(|(_, value)| value.trim());
        let (first, second) = (current.next(), current.next());
        if second.is_none() && first == cookie.as_deref() {
            return;
        }
        let others: Vec<String> = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .map(str::trim)
            .filter(|pair| {
                !pair.is_empty() && !cookie_name(pair).is_some_and(|n| is_named(n, &self.name))
            })
            .map(str::to_owned)
            .collect();
        let mut pairs = others;
        if let Some(value) = cookie {
            pairs.push(format!("{}={value}", self.name));
        }
        headers.remove(header::COOKIE);
        if pairs.is_empty() {
            return;
        }
        match HeaderValue::from_str(&pairs.join("; ")) {
            Ok(value) => {
                headers.insert(header::COOKIE, value);
            }
            // Only pairs that were valid header text (and a cookie value the layer wrote) are
            // joined, so this cannot happen; without a cookie the request has no session.
            Err(e) => tracing::error!(error = %e, "could not rebuild a socket request's cookie"),
        }
    }

    /// Keeps the session cookie a response set, for this socket's next requests. Returns a
    /// session of this socket's that nothing names any more, to delete.
    pub(crate) fn observe(&self, headers: &HeaderMap) -> Option<Session> {
        if self.off {
            return None;
        }
        let set = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| Cookie::parse(value).ok())
            .filter(|cookie| cookie.name() == &*self.name)
            .last()?;
        let removed = set.value().is_empty()
            || set
                .max_age()
                .is_some_and(|age| age <= tower_sessions::cookie::time::Duration::ZERO);
        let mut local = self.lock();
        let before = local.owned.take();
        if removed {
            local.cookie = Some(None);
        } else {
            let value = set.value().to_owned();
            if self.handshake.as_deref() != Some(value.as_str()) {
                local.owned = value.parse::<Id>().ok();
            }
            local.cookie = Some(Some(value));
        }
        let stale = before.filter(|id| Some(*id) != local.owned);
        drop(local);
        stale.map(|id| (self.open)(Some(id)))
    }

    /// The socket's session as it stands (none when sessions are off for it).
    pub(crate) fn session(&self) -> Option<Session> {
        if self.off {
            return None;
        }
        let local = self.lock();
        let value = match &local.cookie {
            Some(cookie) => cookie.clone(),
            None => self.handshake.clone(),
        };
        let id = value?.parse::<Id>().ok()?;
        Some((self.open)(Some(id)))
    }

    /// The session made for this socket alone, to delete when it disconnects.
    pub(crate) fn owned(&self) -> Option<Session> {
        let id = self.lock().owned.take()?;
        Some((self.open)(Some(id)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Local> {
        // The state is two plain values, consistent after any panic.
        self.local
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The name of a `name=value` cookie pair.
fn cookie_name(pair: &str) -> Option<&str> {
    pair.split_once('=').map(|(name, _)| name.trim())
}

/// The value of cookie `name` in a `Cookie` header (names compared decoded).
fn cookie_value(header: &HeaderValue, name: &str) -> Option<String> {
    header
        .to_str()
        .ok()?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| is_named(key, name))
        .map(|(_, value)| value.trim().to_owned())
}

/// Whether a cookie's name, as sent, is `name` once percent-decoded: what tower-cookies, and
/// so the session layer, makes of it.
fn is_named(raw: &str, name: &str) -> bool {
    let raw = raw.trim();
    if !raw.contains('%') {
        return raw == name;
    }
    Cookie::parse_encoded(format!("{raw}=")).is_ok_and(|cookie| cookie.name() == name)
}

/// Wraps each route with tower-sessions' layer, except for session-less requests, which get
/// a fresh session that is never saved.
#[derive(Clone)]
struct SessionFace<S: SessionStore> {
    layer: SessionManagerLayer<S>,
    store: Arc<S>,
}

impl<I, S: SessionStore + Clone> Layer<I> for SessionFace<S>
where
    I: Clone,
{
    type Service = SessionFaceService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        SessionFaceService {
            with: self.layer.layer(inner.clone()),
            plain: inner,
            store: self.store.clone(),
        }
    }
}

#[derive(Clone)]
struct SessionFaceService<I, S: SessionStore> {
    with: <SessionManagerLayer<S> as Layer<I>>::Service,
    plain: I,
    store: Arc<S>,
}

impl<I, S> Service<Request> for SessionFaceService<I, S>
where
    S: SessionStore + Clone,
    I: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    I::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Each call below drives a clone to readiness itself.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        if request.extensions().get::<NoSession>().is_some() {
            request
                .extensions_mut()
                .insert(Session::new(None, self.store.clone(), None));
            Box::pin(self.plain.clone().oneshot(request))
        } else {
            Box::pin(self.with.clone().oneshot(request))
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
