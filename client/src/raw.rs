//! [`RawClient`]: one connection (or HTTP base URL), the settings every call uses, and the
//! exchange of one call over either transport.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::call::Call;
use crate::error::{ClientError, ConnectError, ResubscribeError};
use crate::http::HttpTransport;
use crate::options::{ConnectOptions, HeaderProvider};
use crate::socket::{self, SocketTransport};
use crate::{DEFAULT_TIMEOUT, StateWatch, tls};

#[derive(Clone)]
enum Transport {
    Http(HttpTransport),
    Socket(SocketTransport),
}

/// One connection (or HTTP base URL) and the settings every call uses. Generated clients
/// wrap it; cloning shares the connection.
#[derive(Clone)]
pub struct RawClient {
    transport: Transport,
    timeout: Duration,
    headers: Vec<(String, String)>,
    header_provider: Option<HeaderProvider>,
    /// Whether calls check their input's validation rules before sending.
    local_checks: bool,
}

impl std::fmt::Debug for RawClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Http(_) => "http",
            Transport::Socket(_) => "socket",
        };
        f.debug_struct("RawClient")
            .field("transport", &transport)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RawClient {
    /// Connects over Socket.IO to a sailroute (or Sails) server at `url`
    /// (`http://127.0.0.1:1337`).
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        Self::connect_with(url, ConnectOptions::default()).await
    }

    /// [`connect`](Self::connect) with options.
    pub async fn connect_with(url: &str, options: ConnectOptions) -> Result<Self, ConnectError> {
        let tls =
            tls::Tls::new(&options.root_certificates).map_err(ConnectError::InvalidCertificate)?;
        let headers = contract_header(&options);
        let query: Vec<(String, String)> = options
            .contract
            .iter()
            .map(|hash| (CONTRACT_QUERY.to_owned(), hash.clone()))
            .collect();
        let socket = SocketTransport::connect(
            url,
            &options.socket_path,
            &query,
            &options.handshake_headers,
            options.handshake_header_provider,
            options.connect_timeout,
            tls,
        )
        .await?;
        Ok(RawClient {
            transport: Transport::Socket(socket),
            timeout: DEFAULT_TIMEOUT,
            headers,
            header_provider: None,
            local_checks: true,
        })
    }

    /// A client that sends every call as plain HTTP to `url` (`http://` or `https://`).
    /// Redirects are not followed, as over a socket: the caller sees the 3xx.
    pub fn http(url: &str) -> Result<Self, ConnectError> {
        Self::http_with(url, ConnectOptions::default())
    }

    /// [`http`](Self::http) with options, taken as [`connect_with`](Self::connect_with) takes
    /// them (of which the root certificates and the contract apply).
    pub fn http_with(url: &str, options: ConnectOptions) -> Result<Self, ConnectError> {
        let tls =
            tls::Tls::new(&options.root_certificates).map_err(ConnectError::InvalidCertificate)?;
        Ok(RawClient {
            transport: Transport::Http(HttpTransport::new(url, &tls)?),
            timeout: DEFAULT_TIMEOUT,
            headers: contract_header(&options),
            header_provider: None,
            local_checks: true,
        })
    }

    /// Sets the per-call timeout (default [`DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether calls check their body and query against the validation rules the server
    /// declares before sending them (on by default). Off, an invalid call is sent and the
    /// server's 422 comes back as [`ClientError::Invalid`] with `sent: true`.
    #[must_use]
    pub fn with_local_checks(mut self, on: bool) -> Self {
        self.local_checks = on;
        self
    }

    /// Whether calls check their input before sending ([`with_local_checks`](Self::with_local_checks)).
    pub fn local_checks(&self) -> bool {
        self.local_checks
    }

    /// Adds a header to every call (over a socket, a virtual-request header).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds headers computed for every call (over a socket, virtual-request headers), after
    /// the fixed ones: for a token that rotates.
    #[must_use]
    pub fn with_header_provider<F>(mut self, provider: F) -> Self
    where
        F: Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    {
        self.header_provider = Some(std::sync::Arc::new(provider));
        self
    }

    /// The per-call timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether calls go over a socket.
    pub fn is_socket(&self) -> bool {
        matches!(self.transport, Transport::Socket(_))
    }

    /// The socket id the server assigned (sockets only).
    pub fn socket_id(&self) -> Option<String> {
        match &self.transport {
            Transport::Socket(socket) => socket.id(),
            Transport::Http(_) => None,
        }
    }

    /// Watches the connection state (sockets only).
    pub fn state(&self) -> Option<StateWatch> {
        match &self.transport {
            Transport::Socket(socket) => Some(socket.state()),
            Transport::Http(_) => None,
        }
    }

    /// Calls `handler` with every `event` the server pushes to this socket, decoded as `T`;
    /// payloads that do not decode are skipped (and logged at debug level). Over HTTP there
    /// are no pushes and `handler` is never called.
    pub fn on<T, F>(&self, event: &str, handler: F)
    where
        T: DeserializeOwned,
        F: Fn(T) + Send + Sync + 'static,
    {
        if let Transport::Socket(socket) = &self.transport {
            let name = event.to_owned();
            socket.on(
                event,
                std::sync::Arc::new(move |value| match serde_json::from_value::<T>(value) {
                    Ok(payload) => handler(payload),
                    Err(e) => {
                        tracing::debug!(event = %name, error = %e, "undecodable event payload")
                    }
                }),
            );
        }
    }

    /// Calls `handler` with every subscribing call that could not be re-issued after a
    /// reconnect (answered with an error status, timed out, or lost): the socket is connected
    /// again but no longer receives that route's events. Over HTTP it is never called.
    pub fn on_resubscribe_error<F>(&self, handler: F)
    where
        F: Fn(ResubscribeError) + Send + Sync + 'static,
    {
        if let Transport::Socket(socket) = &self.transport {
            socket.on_resubscribe_error(std::sync::Arc::new(handler));
        }
    }

    /// Forgets the subscribing calls that would be re-issued after a reconnect.
    pub fn forget_subscriptions(&self) {
        if let Transport::Socket(socket) = &self.transport {
            socket.forget_subscriptions();
        }
    }

    /// Drops the underlying connection as a network failure would; the client reconnects
    /// by itself and re-issues its subscribing calls. For tests of reconnection.
    #[doc(hidden)]
    pub async fn simulate_connection_loss(&self) {
        if let Transport::Socket(socket) = &self.transport {
            socket.drop_connection().await;
        }
    }

    /// Closes a socket connection (calls in flight fail). Nothing to do over HTTP.
    pub async fn disconnect(&self) {
        if let Transport::Socket(socket) = &self.transport {
            socket.disconnect().await;
        }
    }

    /// One call: `method` (`"GET"`, …) on `path` (already encoded), built with the returned
    /// [`Call`]'s query, body and subscription, then sent with [`Call::send`] (a success
    /// decoded as `T`) or [`Call::send_empty`] (a success whose body the client does not read).
    ///
    /// ```no_run
    /// # async fn run(client: sailroute_client::RawClient) -> Result<(), sailroute_client::ClientError<serde_json::Value>> {
    /// let todos: serde_json::Value = client
    ///     .request("GET", "/todos".to_owned())
    ///     .query(&[("done", "false")])
    ///     .subscribing()
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: &'static str, path: String) -> Call<'_> {
        Call::new(self, method, path)
    }

    /// This client's call headers as they will be at some later time: the fixed ones, then
    /// what the provider says then (for re-issuing a subscribing call after a reconnect).
    fn header_source(&self) -> HeaderProvider {
        let fixed = self.headers.clone();
        let provider = self.header_provider.clone();
        std::sync::Arc::new(move || {
            let provided = provider.as_ref().map_or_else(Vec::new, |p| p());
            fixed.iter().cloned().chain(provided).collect()
        })
    }

    /// Sends the call (`url` with its query, the JSON body) and returns a success's status,
    /// body and the path as sent; non-success statuses become [`ClientError::Status`], an ack
    /// without a status [`ClientError::Decode`].
    pub(crate) async fn exchange<E: DeserializeOwned>(
        &self,
        method: &'static str,
        url: String,
        body: Option<Value>,
        subscribe: bool,
    ) -> Result<(u16, Value, String), ClientError<E>> {
        // A method a virtual request cannot carry would be sent as nothing the server routes
        // (over a socket, an event it ignores): refused here, before anything is sent.
        let Some((method, http_method)) = METHODS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(method))
            .cloned()
        else {
            return Err(ClientError::Encode(format!(
                "{method:?} is not a method a Sails virtual request can carry: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"
            )));
        };
        let provided = self.header_provider.as_ref().map_or_else(Vec::new, |p| p());
        let headers: Vec<(String, String)> = self.headers.iter().cloned().chain(provided).collect();
        let exchange = async {
            match &self.transport {
                Transport::Http(http) => http
                    .send(http_method, &url, &headers, body.as_ref())
                    .await
                    .map(Ok),
                Transport::Socket(socket) => {
                    let request = socket::VirtualRequest {
                        method: method.to_ascii_lowercase(),
                        url: url.clone(),
                        data: body
                            .clone()
                            .unwrap_or_else(|| Value::Object(Default::default())),
                    };
                    let resubscribe = subscribe.then(|| self.header_source());
                    let jwr = socket.request(request, &headers, resubscribe).await?;
                    match socket::ack_status(&jwr) {
                        Some(status) => Ok(Ok((
                            status,
                            jwr.get("body").cloned().unwrap_or(Value::Null),
                        ))),
                        // Sails acks a parse error without a status; counting that as a
                        // success would hand the caller a wrong answer.
                        None => Ok(Err(jwr)),
                    }
                }
            }
        };
        let answer = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
            .map_err(|e| match e {
                socket::SendError::Refused(why) => ClientError::Incompatible {
                    method,
                    path: url.clone(),
                    message: why,
                    problems: Vec::new(),
                },
                socket::SendError::Transport(e) => ClientError::Transport(e),
                socket::SendError::Encode(e) => ClientError::Encode(e.to_string()),
            })?;
        let (status, value) = answer.map_err(|jwr| ClientError::Decode {
            method,
            path: url.clone(),
            status: None,
            message: "the ack is not a {body, headers, statusCode} answer with a valid status"
                .to_owned(),
            raw: jwr,
        })?;
        if (200..300).contains(&status) {
            Ok((status, value, url))
        } else if status == 409 && value.get("error").and_then(Value::as_str) == Some(INCOMPATIBLE)
        {
            let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
            Err(ClientError::Incompatible {
                method,
                path: url,
                // A refusal without a message still says what came back.
                message: text("message").unwrap_or_else(|| value.to_string()),
                problems: value
                    .get("problems")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|p| p.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        } else if let Some(invalid) = (status == 422)
            .then(|| serde_json::from_value::<crate::valid::Invalid>(value.clone()).ok())
            .flatten()
            .filter(|i| i.error == "validation")
        {
            Err(ClientError::Invalid {
                method,
                path: url,
                sent: true,
                fields: invalid.fields,
            })
        } else {
            Err(ClientError::Status {
                method,
                path: url,
                status,
                // The body is kept in `raw` whatever it is; `body` is the typed view when
                // it has the route's error shape.
                body: serde_json::from_value(value.clone()).ok(),
                raw: value,
            })
        }
    }
}

/// The methods of Sails' virtual requests (each the event's name, lower-cased), with their HTTP
/// tokens.
const METHODS: [(&str, reqwest::Method); 7] = [
    ("GET", reqwest::Method::GET),
    ("POST", reqwest::Method::POST),
    ("PUT", reqwest::Method::PUT),
    ("PATCH", reqwest::Method::PATCH),
    ("DELETE", reqwest::Method::DELETE),
    ("HEAD", reqwest::Method::HEAD),
    ("OPTIONS", reqwest::Method::OPTIONS),
];

/// The header carrying a generated client's contract hash (`sailroute::contract`).
pub const CONTRACT_HEADER: &str = "x-sailroute-contract";
/// The handshake query parameter carrying a generated client's contract hash.
pub const CONTRACT_QUERY: &str = "sailroute_contract";
/// The `error` of a server's refusal of a client's contract.
const INCOMPATIBLE: &str = "incompatible_contract";
/// How a server's refused handshake message starts when the contract is the reason.
pub(crate) const INCOMPATIBLE_HANDSHAKE: &str = "incompatible contract:";

fn contract_header(options: &ConnectOptions) -> Vec<(String, String)> {
    options
        .contract
        .iter()
        .map(|hash| (CONTRACT_HEADER.to_owned(), hash.clone()))
        .collect()
}

/// Decodes a success body as the route's type.
pub(crate) fn decode<T: DeserializeOwned, E>(
    method: &'static str,
    path: String,
    status: u16,
    value: Value,
) -> Result<T, ClientError<E>> {
    serde_json::from_value(value.clone()).map_err(|e| ClientError::Decode {
        method,
        path,
        status: Some(status),
        message: e.to_string(),
        raw: value,
    })
}
