//! [`ServerBuilder`]: the settings, checked when the server is built, and the assembly of the
//! stack (policy, Socket.IO, the guarded router) on the local or the Redis adapter.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use axum::Router;
use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::extract::SocketRef;
use socketioxide::handler::ConnectHandler;
use socketioxide::service::SocketIoService;
use socketioxide_core::adapter::DefinedAdapter;
use tower::Layer;

use crate::client_ip::TrustProxy;
use crate::connection::{Disconnected, OnDisconnect, Shared, on_connect};
use crate::guard::Guarded;
use crate::origin::OriginPolicy;
use crate::policy::{BeforeConnect, Handshake, Policy, PolicyService, Refusal};
use crate::sockets::{IoBackend, NodeBackend, Sockets};
use crate::transport::node::{ConnectCheck, Node, NodeService};

use super::shutdown::flush;
#[cfg(feature = "redis")]
use super::stack::RedisAdapter;
use super::stack::Stack;
use super::{AppService, DEFAULT_MAX_BODY, DEFAULT_MAX_IN_FLIGHT, Error, Lifecycle, Server};

/// Configures a [`Server`]. Start with [`Server::builder`].
#[must_use]
pub struct ServerBuilder {
    router: Router,
    on_disconnect: Option<OnDisconnect>,
    policy: Policy,
    max_body: usize,
    max_in_flight: usize,
    ping_interval: Duration,
    ping_timeout: Duration,
    ws_read_buffer: usize,
    /// Settings that can never work, reported by `build`.
    config_errors: Vec<String>,
    serve_client: bool,
    max_payload: Option<u64>,
    trust_proxy: TrustProxy,
    handshake_headers: Vec<http::HeaderName>,
    shutdown_timeout: Duration,
    transport: SocketTransport,
    #[cfg(feature = "sessions")]
    sessions: Option<crate::sessions::SessionsConfig>,
    #[cfg(feature = "contract")]
    contract: Option<crate::contract::Contract>,
    #[cfg(feature = "contract")]
    accepted_contracts: Vec<crate::contract::Contract>,
    #[cfg(feature = "contract")]
    on_incompatible: crate::contract::OnIncompatible,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("max_body", &self.max_body)
            .field("max_in_flight", &self.max_in_flight)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// Accepts socket connections from pages on `origin` (exactly as a browser sends it:
    /// `https://host[:port]`, no default port, no trailing slash), and refuses those from
    /// every other origin *and* those without an `Origin` header, as Sails' `onlyAllowOrigins`
    /// does. Call several times to allow more origins. Refusal happens before the WebSocket
    /// upgrade. Plain HTTP requests are not affected (that is CORS' job).
    ///
    /// Without this, only same-origin pages (and clients that send no `Origin`, which are not
    /// browsers) may connect. An origin that no browser can send (`localhost:8080` without a
    /// scheme, `http://x:80`) makes [`build`](Self::build) fail with what to write instead.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        let origin = origin.into();
        if let Err(message) = crate::origin::check_allowed_origin(&origin) {
            self.config_errors.push(message);
        }
        match &mut self.policy.origins {
            OriginPolicy::Only(list) => list.push(origin),
            OriginPolicy::SameOrigin => self.policy.origins = OriginPolicy::Only(vec![origin]),
            OriginPolicy::Any => self.config_errors.push(format!(
                "allow_origin({origin:?}) after allow_any_origin(): choose one of them"
            )),
        }
        self
    }

    /// Accepts socket connections from pages on *every* origin. A page on any site can then
    /// open a socket that carries the user's cookies for this server (a WebSocket handshake
    /// is not subject to CORS), so only choose this for a server that authenticates sockets
    /// by other means than cookies. Logged as a warning when the server is built.
    pub fn allow_any_origin(mut self) -> Self {
        if let OriginPolicy::Only(list) = &self.policy.origins {
            self.config_errors.push(format!(
                "allow_any_origin() after allow_origin({:?}): choose one of them",
                list.first().map(String::as_str).unwrap_or_default()
            ));
        }
        self.policy.origins = OriginPolicy::Any;
        self
    }

    /// Runs `hook` on every socket handshake before the connection is accepted; an `Err`
    /// refuses it (HTTP 400 on a WebSocket upgrade, 403 on long-polling, with the
    /// refusal's message as the body).
    pub fn before_connect<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(Handshake) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Refusal>> + Send + 'static,
    {
        let hook: BeforeConnect = Arc::new(move |handshake| Box::pin(hook(handshake)));
        self.policy.before_connect = Some(hook);
        self
    }

    /// Runs `hook` with a socket that disconnected (its id and handshake) and the
    /// [`Sockets`] handle, to tell others: presence lists and similar state are cleaned up
    /// here, by what the socket's id or its handshake (headers, query, cookie) said.
    ///
    /// ```no_run
    /// # fn builder(app: axum::Router) -> sailroute::ServerBuilder {
    /// sailroute::Server::builder(app).on_disconnect(|socket, sockets| async move {
    ///     let user = socket.handshake().query("user");
    ///     let gone = serde_json::json!({ "id": socket.id(), "user": user });
    ///     sockets.broadcast("lobby", "left", &gone, None).await.ok();
    /// })
    /// # }
    /// ```
    pub fn on_disconnect<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(Disconnected, Sockets) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_disconnect = Some(Arc::new(move |socket, sockets| {
            Box::pin(hook(socket, sockets))
        }));
        self
    }

    /// Sessions shared by HTTP and socket requests (the `sessions` feature): a handler takes
    /// tower-sessions' [`Session`](crate::sessions::Session) and reads and writes it the same
    /// way over both transports. A socket shares the session its handshake cookie names; a
    /// socket without one gets its own for its lifetime; a `nosession` handshake header or
    /// query parameter turns sessions off for a socket. `GET /__getcookie` sets the session
    /// cookie when the browser has none. See the [`sessions`](crate::sessions) module.
    ///
    /// ```
    /// use axum::Json;
    /// use sailroute::sessions::{MemoryStore, Session, Sessions};
    ///
    /// async fn visits(session: Session) -> Json<u64> {
    ///     let visits = session.get::<u64>("visits").await.ok().flatten().unwrap_or(0) + 1;
    ///     session.insert("visits", visits).await.ok();
    ///     Json(visits)
    /// }
    ///
    /// let app = axum::Router::new().route("/visits", axum::routing::get(visits));
    /// let server = sailroute::Server::builder(app)
    ///     .sessions(Sessions::new(MemoryStore::default()))
    ///     .build();
    /// ```
    #[cfg(feature = "sessions")]
    pub fn sessions<S>(mut self, sessions: crate::sessions::Sessions<S>) -> Self
    where
        S: crate::sessions::SessionStore + Clone,
    {
        self.sessions = Some(sessions.into_config());
        self
    }

    /// Whether `GET /__getcookie` answers `_sailsIoJSConnect();` (sails.io.js loads it before
    /// a cross-origin connect). On by default.
    pub fn getcookie_route(mut self, enabled: bool) -> Self {
        self.policy.assets.getcookie = enabled;
        self
    }

    /// Where the browser client (the sails.io.js API as a classic script, for pages that
    /// load socket.io-client's browser build first) is served: `/sailroute.js` by default,
    /// `None` to not serve it.
    pub fn browser_client_path(mut self, path: Option<&str>) -> Self {
        self.policy.assets.browser_path = path.map(str::to_owned);
        self
    }

    /// Appends a typed API generated by `sailroute-codegen` (the `browser.js` of
    /// `.js_client(..)`) to the served browser client, after the `@sailroute/client` runtime
    /// it calls through: its methods then appear on `io.socket`.
    pub fn browser_api(mut self, script: &str) -> Self {
        let mut combined = String::from(crate::browser::BROWSER_CLIENT);
        combined.push('\n');
        combined.push_str(crate::browser::CLIENT_RUNTIME);
        combined.push('\n');
        combined.push_str(script);
        self.policy.assets.browser_script = Arc::from(combined);
        self
    }

    /// Checks generated clients against this server's contract (the `contract` feature): a
    /// client that sends another contract's hash is compared with this API and, when it
    /// calls what is no longer served or reads and writes what no longer fits, refused with a
    /// typed error (or served and logged, see [`on_incompatible`](Self::on_incompatible)).
    /// Give the contract file the server's source generates, checked in beside it:
    /// `Contract::from_json(include_str!("../api.json"))?`. See the
    /// [`contract`](crate::contract) module.
    #[cfg(feature = "contract")]
    pub fn contract(mut self, contract: crate::contract::Contract) -> Self {
        self.contract = Some(contract);
        self
    }

    /// A contract whose clients may still call this server (an earlier release's): clients
    /// generated from it are served when it is compatible with this server's, and refused
    /// with the reasons when it is not. Needs [`contract`](Self::contract).
    #[cfg(feature = "contract")]
    pub fn accept_contract(mut self, contract: crate::contract::Contract) -> Self {
        self.accepted_contracts.push(contract);
        self
    }

    /// What to do with a client generated from an incompatible or unknown contract: refuse
    /// it (the default) or serve it and log a warning.
    #[cfg(feature = "contract")]
    pub fn on_incompatible(mut self, policy: crate::contract::OnIncompatible) -> Self {
        self.on_incompatible = policy;
        self
    }

    /// Serves Socket.IO at `path` instead of `/socket.io/` (Sails' `sockets.path`), for
    /// clients configured with the same `path` (sails.io.js' `io.sails.path`,
    /// socket.io-client's `path`). `/engine.io/`, where sails.io.js on socket.io-client 3+
    /// ends up, is served as this path too. A path that does not start with `/`, or that is
    /// `/` itself, makes [`build`](Self::build) fail.
    pub fn socket_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let trimmed = path.trim_end_matches('/');
        if !path.starts_with('/') || trimmed.is_empty() || path.contains(['?', '#']) {
            self.config_errors.push(format!(
                "socket_path({path:?}): a Socket.IO path is an absolute path other than `/`, like \"/socketsarefun\""
            ));
        } else {
            self.policy.socket_path = format!("{trimmed}/");
        }
        self
    }

    /// Serves the stock Socket.IO browser client (socket.io-client 4.8.1) at
    /// `<socket path>socket.io.js` (`/socket.io/socket.io.js`), as Sails' `serveClient` does.
    /// Off by default.
    pub fn serve_client(mut self, serve: bool) -> Self {
        self.serve_client = serve;
        self
    }

    /// The largest Engine.IO payload accepted over long-polling, in bytes (Engine.IO's
    /// `maxPayload`). By default it follows [`max_body`](Self::max_body), with room for the
    /// request's envelope, so that an oversized body reaches the router and gets its 413.
    pub fn max_payload(mut self, bytes: u64) -> Self {
        self.max_payload = Some(bytes);
        self
    }

    /// How long requests in flight get to finish when the server shuts down
    /// ([`Server::serve_with_shutdown`]) before the sockets are closed anyway. Default 10 s.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Trusts the proxies in front of the server for the client's address and scheme: the
    /// [`ClientIp`](crate::ClientIp) extractor then reads the `X-Forwarded-For` entries they
    /// appended, from the right (for a socket request, the handshake's), and the same-origin
    /// check of socket handshakes takes the scheme from `X-Forwarded-Proto`. `true` trusts one
    /// proxy, a number that many hops; [`TrustProxy`](crate::TrustProxy) also takes trusted
    /// networks and RFC 7239 `Forwarded`. Off by default: a client can send those headers too.
    ///
    /// `true` meant "the left-most address" before issue 23: behind a proxy that appends (nginx,
    /// an ALB, Cloudflare) that address is whatever the client claimed.
    pub fn trust_proxy(mut self, trust: impl Into<TrustProxy>) -> Self {
        self.trust_proxy = trust.into();
        self
    }

    /// Headers that every virtual request takes from its socket's handshake, whatever the
    /// request itself says: the handshake's values replace the request's, and a request whose
    /// handshake had none carries none. For headers that a proxy in front writes on HTTP
    /// requests and that the app's middleware trusts (an auth proxy's `x-authenticated-user`,
    /// `x-request-id`): a virtual request's own headers are the client's to write, so such a
    /// middleware can otherwise be fooled over a socket. `Cookie`, `Origin` and the client's
    /// address are pinned already. A name that is not a valid header name makes
    /// [`build`](Self::build) fail.
    ///
    /// ```
    /// # fn builder(app: axum::Router) -> sailroute::ServerBuilder {
    /// sailroute::Server::builder(app).handshake_headers(["x-authenticated-user"])
    /// # }
    /// ```
    pub fn handshake_headers<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            let name = name.as_ref();
            match http::HeaderName::from_bytes(name.as_bytes()) {
                Ok(name) => self.handshake_headers.push(name),
                Err(_) => self.config_errors.push(format!(
                    "handshake_headers: {name:?} is not a header name; write it as HTTP spells it, such as \"x-authenticated-user\""
                )),
            }
        }
        self
    }

    /// The largest request body accepted, on both transports; larger ones get a 413.
    /// Default [`DEFAULT_MAX_BODY`].
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The most requests one socket may have in flight; more are answered 429 at once, so a
    /// flooding socket cannot starve the others. Default [`DEFAULT_MAX_IN_FLIGHT`].
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests.max(1);
        self
    }

    /// Engine.IO heartbeat: how often the server pings (v4+ clients) and how long it waits
    /// for an answer. Defaults: 25 s and 20 s.
    pub fn heartbeat(mut self, interval: Duration, timeout: Duration) -> Self {
        self.ping_interval = interval;
        self.ping_timeout = timeout;
        self
    }

    /// The size of each WebSocket's read buffer, allocated when the socket connects and held
    /// for its life. Default 4 KiB. Smaller saves memory per idle socket (1 KiB: about 2.7 KB
    /// per socket) at some CPU per large message (1 KiB: about 4 % more per 4 KiB request);
    /// a message larger than the buffer is still read whole. docs/benchmarks.md has the
    /// figures. Values below 256 bytes are raised to 256. Only [`SocketTransport::Socketioxide`]
    /// has such a buffer: the default transport holds none while a socket is idle (it reads into
    /// a buffer borrowed for each read), so there this setting changes nothing.
    pub fn ws_read_buffer_size(mut self, bytes: usize) -> Self {
        self.ws_read_buffer = bytes.max(256);
        self
    }

    /// Which transport carries the sockets: [`SocketTransport::Sailroute`], the project's own,
    /// by default; [`SocketTransport::Socketioxide`] stays selectable while it is replaced.
    pub fn transport(mut self, transport: SocketTransport) -> Self {
        self.transport = transport;
        self
    }

    /// Builds the server: the Socket.IO layer, the bridge and the HTTP stack. Rooms live in
    /// this process; see `build_with_redis` (the `redis` feature) for several nodes.
    /// Fails with [`Error::Config`] when a setting can never work.
    pub fn build(self) -> Result<Server, Error> {
        self.check()?;
        if self.transport == SocketTransport::Sailroute {
            return self.build_on_node();
        }
        let (service, sockets, (), lifecycle) = self.build_with::<LocalAdapter>(())?;
        Ok(Server {
            service: AppService(Stack::Local(service)),
            sockets,
            lifecycle,
        })
    }

    /// Reports every setting that can never work, and logs the risky ones.
    fn check(&self) -> Result<(), Error> {
        if !self.config_errors.is_empty() {
            return Err(Error::Config(self.config_errors.clone()));
        }
        if matches!(self.policy.origins, OriginPolicy::Any) {
            tracing::warn!(
                "allow_any_origin(): pages on every site may open sockets that carry this server's cookies"
            );
        }
        Ok(())
    }

    /// Builds the server with its rooms shared through Redis (`redis://host:port`; the
    /// `redis` feature of this crate), so that
    /// broadcasts, blasts, room membership and pub-sub reach sockets on every node running
    /// against the same Redis. Fails when Redis is unreachable now; once running, a node keeps
    /// serving its own sockets while Redis is away and resumes cross-node delivery when it is
    /// back (see `docs/scaling.md` for the guarantees).
    #[cfg(feature = "redis")]
    pub async fn build_with_redis(self, url: &str) -> Result<Server, Error> {
        use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};

        self.check()?;
        let driver = crate::redis::ResilientDriver::connect(url)
            .await
            .map_err(|e| Error::Redis {
                url: url.to_owned(),
                source: Box::new(e),
            })?;
        if self.transport == SocketTransport::Sailroute {
            let node = self.node();
            let local = NodeBackend {
                node: Arc::downgrade(&node),
            };
            // Subscribed before serving, so the first broadcast from another node arrives.
            let backend = crate::sockets::ClusterBackend::subscribe(
                local,
                driver,
                self.policy.socket_path.trim_end_matches('/'),
            )
            .await
            .map_err(|e| Error::Redis {
                url: url.to_owned(),
                source: Box::new(e),
            })?;
            return self.build_on(node, backend);
        }
        // Requests to other nodes (room membership, socket listings) wait at most this long.
        let config = RedisAdapterConfig::new().with_request_timeout(Duration::from_secs(2));
        let adapter = RedisAdapterCtr::new_with_driver(driver, config);
        let (service, sockets, init, lifecycle) = self.build_with::<RedisAdapter>(adapter)?;
        // Subscribed before serving, so the first broadcast from another node arrives.
        init.await.map_err(|e| Error::Redis {
            url: url.to_owned(),
            source: Box::new(e),
        })?;
        Ok(Server {
            service: AppService(Stack::Redis(service)),
            sockets,
            lifecycle,
        })
    }

    /// A virtual request carries its body inside one Socket.IO message: room for the
    /// envelope and JSON escaping, so that an oversized body reaches the router and gets its
    /// 413 instead of the transport closing the connection.
    fn max_message(&self) -> usize {
        self.max_body
            .saturating_mul(4)
            .saturating_add(64 * 1024)
            .max(1024 * 1024)
    }

    /// Builds the stack on the adapter `A`; returns the adapter's initialization too.
    fn build_with<A: Adapter + DefinedAdapter>(
        self,
        adapter_state: A::State,
    ) -> Result<Built<A>, Error> {
        let max_message = self.max_message();
        // Every request in flight may answer at once (and pushes share the queue): a full
        // queue would drop an ack, so it is sized well above the in-flight cap. The queue's
        // memory is allocated as it fills, not up front.
        let max_queue = self.max_in_flight.saturating_mul(2).saturating_add(1024);
        let (layer, io) = SocketIo::builder()
            .req_path(self.policy.socket_path.trim_end_matches('/').to_owned())
            .max_buffer_size(max_queue)
            .ping_interval(self.ping_interval)
            .ping_timeout(self.ping_timeout)
            .ws_read_buffer_size(self.ws_read_buffer)
            .max_payload(self.max_payload.unwrap_or(max_message as u64))
            .ws_max_message_size(max_message)
            .ws_max_frame_size(max_message)
            .with_adapter::<A>(adapter_state)
            .build_layer();
        let sockets = Sockets::new(Arc::new(IoBackend { io: io.clone() }));
        let closer = io.clone();
        let close: CloseAll = Box::new(move || {
            let io = closer.clone();
            Box::pin(async move {
                // The transports are closed, with no Socket.IO DISCONNECT first: the stock
                // clients read a DISCONNECT as "io server disconnect" and never reconnect,
                // and a closed transport as "transport close", after which they reconnect
                // (to the next instance of a rolling restart). socketioxide's close ends
                // every engine.io session and runs the disconnect hooks.
                io.close().await;
                // Let each connection's writer task write its close before the process
                // may exit.
                flush().await;
            })
        });
        let assembled = self.assemble(sockets.clone(), close)?;
        let shared = assembled.shared.clone();
        #[cfg(feature = "contract")]
        let contract_check = assembled.compatibility.clone();
        // Handlers are registered in a connect *middleware*, which socketioxide awaits before
        // it sends the CONNECT packet; the connect handler itself runs on a spawned task,
        // so a client that emits as soon as it is connected could otherwise beat it.
        let register = move |socket: SocketRef<A>| {
            let shared = shared.clone();
            // A client generated from an incompatible contract is refused before it is
            // connected: the connect error's message says why.
            #[cfg(feature = "contract")]
            let refused = contract_check
                .as_ref()
                .and_then(|check| contract_refusal(check, socket.req_parts()));
            async move {
                #[cfg(feature = "contract")]
                if let Some(refused) = refused {
                    return Err(ConnectRefused(refused));
                }
                #[cfg(feature = "sessions")]
                if let Some(sessions) = &shared.sessions {
                    sessions.on_handshake(socket.req_parts()).await;
                }
                on_connect(shared, socket);
                Ok::<(), ConnectRefused>(())
            }
        };
        let init = io.ns("/", (async |_: SocketRef<A>| {}).with(register));
        let service = PolicyService::new(layer.layer(assembled.router), assembled.policy);
        Ok((service, sockets, init, assembled.lifecycle))
    }

    /// Builds the server on the project's own transport (`transport/node.rs`), for one node.
    fn build_on_node(self) -> Result<Server, Error> {
        let node = self.node();
        let backend = Arc::new(NodeBackend {
            node: Arc::downgrade(&node),
        });
        self.build_on(node, backend)
    }

    /// The own transport's node, with this builder's Engine.IO settings.
    fn node(&self) -> Arc<Node> {
        let max_message = self.max_message();
        let config = crate::transport::session::Config {
            ping_interval: self.ping_interval,
            ping_timeout: self.ping_timeout,
            max_payload: self
                .max_payload
                .map_or(max_message, |p| usize::try_from(p).unwrap_or(usize::MAX)),
            websocket: true,
        };
        // A slow client may fall behind by two of the largest messages before it is cut off.
        Node::new(config, max_message.saturating_mul(2))
    }

    /// Builds the server on `node`, its rooms and pushes through `backend`.
    fn build_on(
        self,
        node: Arc<Node>,
        backend: Arc<dyn crate::sockets::Backend>,
    ) -> Result<Server, Error> {
        // Only the server's service holds the node strongly (and each connection's task while
        // it runs): what the node holds itself refers back to it weakly.
        let sockets = Sockets::new(backend);
        let closer = Arc::downgrade(&node);
        let close: CloseAll = Box::new(move || {
            let node = closer.upgrade();
            // A WebSocket close frame and the end of the connection, no Socket.IO DISCONNECT:
            // the stock clients reconnect (see `build_with`).
            Box::pin(async move {
                if let Some(node) = node {
                    node.close_all().await;
                }
            })
        });
        let assembled = self.assemble(sockets.clone(), close)?;
        let shared = assembled.shared.clone();
        #[cfg(feature = "contract")]
        let contract_check = assembled.compatibility.clone();
        let check: ConnectCheck = Arc::new(move |parts: Arc<http::request::Parts>| {
            #[cfg(feature = "contract")]
            let refused = contract_check
                .as_ref()
                .and_then(|check| contract_refusal(check, &parts));
            #[cfg(feature = "sessions")]
            let shared = shared.clone();
            #[cfg(not(feature = "sessions"))]
            let _ = &shared;
            Box::pin(async move {
                #[cfg(feature = "contract")]
                if let Some(refused) = refused {
                    return Err(refused);
                }
                #[cfg(feature = "sessions")]
                if let Some(sessions) = &shared.sessions {
                    sessions.on_handshake(&parts).await;
                }
                #[cfg(not(feature = "sessions"))]
                let _ = parts;
                Ok(())
            })
        });
        node.attach(assembled.shared.clone(), check);
        let path = assembled.policy.socket_path.clone();
        let service = PolicyService::new(
            NodeService {
                router: assembled.router,
                node,
                path,
            },
            assembled.policy,
        );
        Ok(Server {
            service: AppService(Stack::Node(service)),
            sockets,
            lifecycle: assembled.lifecycle,
        })
    }

    /// What both transports' stacks share: the guarded router (sessions and the contract
    /// check applied), the shutdown state, what every socket's requests share, and the policy.
    fn assemble(mut self, sockets: Sockets, close: CloseAll) -> Result<Assembled, Error> {
        if self.serve_client {
            self.policy.client_path = Some(format!("{}socket.io.js", self.policy.socket_path));
        }
        #[cfg(feature = "sessions")]
        if let Some(sessions) = &self.sessions {
            self.router = sessions.apply(self.router);
            if self.policy.assets.getcookie {
                self.policy.assets.getcookie_router = Some(sessions.getcookie_router());
            }
        }
        #[cfg(feature = "contract")]
        let compatibility = match &self.contract {
            Some(own) => Some(Arc::new(crate::contract::Compatibility::new(
                own,
                &self.accepted_contracts,
                self.on_incompatible,
            ))),
            None if !self.accepted_contracts.is_empty() => {
                return Err(Error::Config(vec![
                    "accept_contract(..) without contract(..): give the server its own contract too, `.contract(Contract::from_json(include_str!(\"../api.json\"))?)`".to_owned(),
                ]));
            }
            None => None,
        };
        // The same stack serves both transports: whatever the application layered on its
        // router runs inside these guards, for HTTP and virtual requests alike.
        #[cfg_attr(not(feature = "contract"), allow(unused_mut))]
        let mut router = Guarded::new(
            self.router,
            self.max_body,
            sockets.clone(),
            &self.trust_proxy,
        )
        .map_err(|e| Error::Config(vec![e]))?;
        #[cfg(feature = "contract")]
        router.set_compatibility(compatibility.clone());
        let lifecycle = Arc::new(Lifecycle {
            in_flight: AtomicUsize::new(0),
            idle: tokio::sync::Notify::new(),
            closing: std::sync::atomic::AtomicBool::new(false),
            close,
            timeout: self.shutdown_timeout,
        });
        let shared = Arc::new(Shared {
            lifecycle: lifecycle.clone(),
            router: router.clone(),
            sockets: sockets.clone(),
            max_in_flight: self.max_in_flight,
            on_disconnect: self.on_disconnect,
            trust_proxy: self.trust_proxy.clone(),
            handshake_headers: self.handshake_headers,
            #[cfg(feature = "sessions")]
            sessions: self.sessions,
        });
        self.policy.trust_proxy = self.trust_proxy.clone();
        self.policy.sockets = Some(sockets);
        Ok(Assembled {
            router,
            shared,
            lifecycle,
            policy: Arc::new(self.policy),
            #[cfg(feature = "contract")]
            compatibility,
        })
    }
}

/// How shutdown closes every socket's transport.
type CloseAll = Box<dyn Fn() -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

/// What both transports' stacks are built from (`ServerBuilder::assemble`).
struct Assembled {
    router: Guarded,
    shared: Arc<Shared>,
    lifecycle: Arc<Lifecycle>,
    policy: Arc<Policy>,
    #[cfg(feature = "contract")]
    compatibility: Option<Arc<crate::contract::Compatibility>>,
}

/// The connect error's message for a client generated from an incompatible contract (its
/// handshake's contract query), or `None` to connect it.
#[cfg(feature = "contract")]
fn contract_refusal(
    check: &crate::contract::Compatibility,
    parts: &http::request::Parts,
) -> Option<String> {
    let query = parts.uri.query()?;
    let hash = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == crate::contract::CONTRACT_QUERY)?
        .1;
    check.check(&hash).err().map(|e| e.handshake_message())
}

/// Which transport carries a server's sockets ([`ServerBuilder::transport`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SocketTransport {
    /// engineioxide and socketioxide, the transport of the runtime's first releases: kept
    /// selectable while the own transport replaces it (issue 20).
    Socketioxide,
    /// The project's own transport (issue 20), the default: Engine.IO 4 with Socket.IO 5 (socket.io-client 3
    /// and later, the generated clients) and Engine.IO 3 with Socket.IO 2 (`sails.io.js`), over
    /// WebSocket and long-polling, with the upgrade from one to the other; several nodes
    /// through `build_with_redis` (the `redis` feature; its own messages between
    /// nodes: nodes on the two transports do not share rooms). A WebSocket on a connection
    /// that is not a plain `TcpStream` (TLS ended in the process, behind
    /// [`Server::into_service`]) is served through a bridge on Unix (see there), and dropped
    /// after its upgrade elsewhere.
    #[default]
    Sailroute,
}

/// Why a connection was refused, sent to the client as its connect error's message.
#[derive(Debug)]
struct ConnectRefused(#[cfg_attr(not(feature = "contract"), allow(dead_code))] String);

impl std::fmt::Display for ConnectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Server {
    /// Starts configuring a server for `router` (state applied, layers added).
    pub fn builder(router: Router) -> ServerBuilder {
        ServerBuilder {
            router,
            on_disconnect: None,
            policy: Policy::default(),
            max_body: DEFAULT_MAX_BODY,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            ws_read_buffer: 4 * 1024,
            config_errors: Vec::new(),
            serve_client: false,
            max_payload: None,
            trust_proxy: TrustProxy::none(),
            handshake_headers: Vec::new(),
            shutdown_timeout: Duration::from_secs(10),
            transport: SocketTransport::default(),
            #[cfg(feature = "sessions")]
            sessions: None,
            #[cfg(feature = "contract")]
            contract: None,
            #[cfg(feature = "contract")]
            accepted_contracts: Vec::new(),
            #[cfg(feature = "contract")]
            on_incompatible: crate::contract::OnIncompatible::default(),
        }
    }
}

/// What `build_with` makes: the service, the `Sockets` handle, the adapter's initialization
/// and the shutdown state.
type Built<A> = (
    PolicyService<SocketIoService<Guarded, A>>,
    Sockets,
    <A as socketioxide_core::adapter::CoreAdapter<socketioxide::adapter::Emitter>>::InitRes,
    Arc<Lifecycle>,
);
