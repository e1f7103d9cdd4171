//! Engine.IO v4, client side: WebSocket (tokio-tungstenite) first, long-polling (reqwest) when
//! the WebSocket is refused, and TLS through rustls (the `rustls` feature).
//!
//! Written here rather than taken from `rust_engineio`, the one established Rust client: it is
//! tied to `native-tls` (OpenSSL on Linux), its TLS settings are `native_tls` types, and it has no
//! way to use rustls — which an application that already uses rustls, or builds static
//! binaries, needs. The protocol the client needs is small: the open packet, answering the
//! server's pings, text messages, the close packet, and polling's `\x1e`-separated payloads.
//! Binary packets are not used by Sails virtual requests and are ignored.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

/// Polling's packet separator.
const SEPARATOR: char = '\u{1e}';

/// How to reach the server and what every handshake carries.
#[derive(Clone)]
pub(crate) struct EngineConfig {
    /// `http(s)://host:port/socket.io/`.
    pub(crate) url: url::Url,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) tls: crate::tls::Tls,
}

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EngineError {
    #[error("{0}")]
    Tls(String),
    #[error("the WebSocket failed ({websocket}) and so did long-polling ({polling})")]
    Both { websocket: String, polling: String },
}

/// The open packet's settings.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Open {
    sid: String,
    ping_interval: u64,
    ping_timeout: u64,
}

impl Open {
    /// How long the connection may stay silent: the server pings every interval and waits
    /// the timeout for the answer.
    pub(crate) fn silence(&self) -> Duration {
        Duration::from_millis(self.ping_interval.saturating_add(self.ping_timeout))
    }
}

/// Sends on an open connection; cloning shares it.
#[derive(Clone)]
pub(crate) struct Engine {
    out: mpsc::UnboundedSender<String>,
    close: Arc<watch::Sender<bool>>,
}

/// The Socket.IO packets (the text of Engine.IO `message` packets) the server sends, until the
/// connection ends.
pub(crate) type Incoming = mpsc::UnboundedReceiver<String>;

impl Engine {
    /// Sends one Engine.IO message (a Socket.IO packet); fails once the connection is gone.
    pub(crate) fn send(&self, text: String) -> Result<(), crate::error::TransportError> {
        self.out
            .send(text)
            .map_err(|_| crate::error::TransportError::NotConnected)
    }

    /// Closes the connection (with Engine.IO's close packet when it can still be sent).
    pub(crate) fn close(&self) {
        self.close.send_replace(true);
    }
}

/// Opens a connection: WebSocket, or long-polling when the WebSocket is refused.
pub(crate) async fn connect(config: &EngineConfig) -> Result<(Engine, Incoming), EngineError> {
    if config.url.scheme() == "https" && !crate::tls::AVAILABLE {
        return Err(EngineError::Tls(crate::tls::UNAVAILABLE.to_owned()));
    }
    match websocket(config).await {
        Ok(opened) => Ok(opened),
        Err(websocket) => {
            tracing::debug!(error = %websocket, "WebSocket refused; falling back to long-polling");
            polling(config)
                .await
                .map_err(|polling| EngineError::Both { websocket, polling })
        }
    }
}

/// The endpoint with Engine.IO's query.
fn endpoint(config: &EngineConfig, transport: &str, sid: Option<&str>) -> url::Url {
    let mut url = config.url.clone();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("EIO", "4")
            .append_pair("transport", transport);
        if let Some(sid) = sid {
            query.append_pair("sid", sid);
        }
    }
    url
}

pub(crate) fn parse_open(text: &str) -> Result<Open, String> {
    let json = text
        .strip_prefix('0')
        .ok_or_else(|| format!("expected an open packet, got {text:?}"))?;
    serde_json::from_str(json).map_err(|e| format!("bad open packet {json:?}: {e}"))
}

async fn websocket(config: &EngineConfig) -> Result<(Engine, Incoming), String> {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let mut url = endpoint(config, "websocket", None);
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme)
        .map_err(|()| format!("cannot make a WebSocket URL of {url}"))?;
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| e.to_string())?;
    for (name, value) in &config.headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = http::HeaderValue::from_str(value).map_err(|e| e.to_string())?;
        request.headers_mut().append(name, value);
    }
    let mut ws = config
        .tls
        .connect_websocket(request)
        .await
        .map_err(|e| e.to_string())?;
    let open = loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => break parse_open(&text)?,
            Some(Ok(Message::Close(_))) | None => return Err("closed before opening".to_owned()),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.to_string()),
        }
    };
    let (out, mut out_rx) = mpsc::unbounded_channel::<String>();
    let (incoming_tx, incoming) = mpsc::unbounded_channel();
    let (close, mut closing) = watch::channel(false);
    let silence = open.silence();
    tokio::spawn(async move {
        let mut deadline = tokio::time::Instant::now() + silence;
        loop {
            tokio::select! {
                // In this order: what arrived, then what is queued to send, then closing (so that a
                // DISCONNECT queued just before `close` still goes out), then the deadline.
                biased;
                frame = ws.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        deadline = tokio::time::Instant::now() + silence;
                        match packet(&text) {
                            Packet::Ping => {
                                if ws.send(Message::text("3")).await.is_err() {
                                    break;
                                }
                            }
                            Packet::Message(message) => {
                                if incoming_tx.send(message.to_owned()).is_err() {
                                    break;
                                }
                            }
                            Packet::Close => break,
                            Packet::Other => {}
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                text = out_rx.recv() => match text {
                    Some(text) => {
                        if ws.send(Message::text(format!("4{text}"))).await.is_err() {
                            break;
                        }
                    }
                    None => {
                        ws.send(Message::text("1")).await.ok();
                        break;
                    }
                },
                () = closed(&mut closing) => {
                    ws.send(Message::text("1")).await.ok();
                    break;
                }
                () = tokio::time::sleep_until(deadline) => {
                    tracing::debug!("no ping from the server in time; the connection is lost");
                    break;
                }
            }
        }
        ws.close(None).await.ok();
    });
    Ok((
        Engine {
            out,
            close: Arc::new(close),
        },
        incoming,
    ))
}

/// Resolves once the connection is to close (or its handle is gone).
async fn closed(closing: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: dropped here, inside.
    drop(closing.wait_for(|closed| *closed).await);
}

/// An Engine.IO packet, as far as this client reads it.
pub(crate) enum Packet<'a> {
    Ping,
    Message(&'a str),
    Close,
    Other,
}

pub(crate) fn packet(text: &str) -> Packet<'_> {
    match text.as_bytes().first() {
        Some(b'2') => Packet::Ping,
        Some(b'4') => Packet::Message(&text[1..]),
        Some(b'1') => Packet::Close,
        _ => Packet::Other,
    }
}

async fn polling(config: &EngineConfig) -> Result<(Engine, Incoming), String> {
    let client = config.tls.http_client(None)?;
    let with_headers = |mut request: reqwest::RequestBuilder| {
        for (name, value) in &config.headers {
            request = request.header(name, value);
        }
        request
    };
    let handshake = with_headers(client.get(endpoint(config, "polling", None)))
        .send()
        .await
        .map_err(|e| crate::http::with_causes(&e))?;
    if !handshake.status().is_success() {
        return Err(format!("the handshake was answered {}", handshake.status()));
    }
    let body = handshake.text().await.map_err(|e| e.to_string())?;
    let mut packets = body.split(SEPARATOR);
    let open = parse_open(packets.next().unwrap_or_default())?;
    let silence = open.silence();
    let url = endpoint(config, "polling", Some(&open.sid));
    let headers = config.headers.clone();

    let (out, mut out_rx) = mpsc::unbounded_channel::<String>();
    let (incoming_tx, incoming) = mpsc::unbounded_channel();
    let (close, mut closing) = watch::channel(false);
    let close = Arc::new(close);
    let reader_close = close.clone();
    let (pong_tx, mut pong_rx) = mpsc::unbounded_channel::<()>();
    let post = {
        let client = client.clone();
        let url = url.clone();
        let headers = headers.clone();
        move |body: String| {
            let mut request = client.post(url.clone()).body(body);
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            async move {
                match request.send().await {
                    Ok(response) if response.status().is_success() => Ok(()),
                    Ok(response) => Err(format!("a post was answered {}", response.status())),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    };
    // Packets that came with the handshake's answer.
    let mut early = Vec::new();
    for text in packets {
        early.push(text.to_owned());
    }

    // The writer: messages and pongs, batched into one post per round.
    let mut writer_closing = closing.clone();
    tokio::spawn(async move {
        loop {
            let mut batch = Vec::new();
            tokio::select! {
                // In this order: what arrived, then what is queued to send, then closing (so that a
                // DISCONNECT queued just before `close` still goes out), then the deadline.
                biased;
                text = out_rx.recv() => match text {
                    Some(text) => batch.push(format!("4{text}")),
                    None => break,
                },
                Some(()) = pong_rx.recv() => batch.push("3".to_owned()),
                () = closed(&mut writer_closing) => break,
            }
            while let Ok(text) = out_rx.try_recv() {
                batch.push(format!("4{text}"));
            }
            while pong_rx.try_recv().is_ok() {
                batch.push("3".to_owned());
            }
            if let Err(e) = post(batch.join(&SEPARATOR.to_string())).await {
                tracing::debug!(error = %e, "long-polling post failed; the connection is lost");
                break;
            }
        }
        post("1".to_owned()).await.ok();
    });

    // The reader: one long poll after another.
    tokio::spawn(async move {
        let mut pending = early;
        'outer: loop {
            for text in pending.drain(..) {
                match packet(&text) {
                    Packet::Ping => {
                        if pong_tx.send(()).is_err() {
                            break 'outer;
                        }
                    }
                    Packet::Message(message) => {
                        if incoming_tx.send(message.to_owned()).is_err() {
                            break 'outer;
                        }
                    }
                    Packet::Close => break 'outer,
                    Packet::Other => {}
                }
            }
            let mut request = client.get(url.clone());
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            let poll = async {
                let response = request.send().await.map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("a poll was answered {}", response.status()));
                }
                response.text().await.map_err(|e| e.to_string())
            };
            tokio::select! {
                body = tokio::time::timeout(silence, poll) => match body {
                    Ok(Ok(body)) => pending.extend(body.split(SEPARATOR).map(str::to_owned)),
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "long-polling failed; the connection is lost");
                        break;
                    }
                    Err(_) => {
                        tracing::debug!("no ping from the server in time; the connection is lost");
                        break;
                    }
                },
                () = closed(&mut closing) => break,
            }
        }
        // Ends the writer too, which sends the close packet.
        reader_close.send_replace(true);
    });
    Ok((Engine { out, close }, incoming))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_open_packet_and_the_packet_kinds() {
        let open = parse_open(r#"0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
            .unwrap();
        assert_eq!(open.sid, "a");
        assert_eq!(open.silence(), Duration::from_secs(45));
        assert!(parse_open("4x").is_err());
        assert!(parse_open("0{").is_err());
        assert!(matches!(packet("2"), Packet::Ping));
        assert!(matches!(packet("42[1]"), Packet::Message("2[1]")));
        assert!(matches!(packet("1"), Packet::Close));
        assert!(matches!(packet(""), Packet::Other));
        assert!(matches!(packet("é"), Packet::Other));
    }
}
