//! TLS for `https://` servers, through rustls (the `rustls` feature): the web's root
//! certificates (webpki-roots) plus any the application adds, for both the WebSocket and the
//! HTTP calls. Without the feature an `https://` URL is refused with what to enable.

use crate::error::ConnectError;

/// Whether this build can speak TLS.
pub(crate) const AVAILABLE: bool = cfg!(feature = "rustls");

/// Why an `https://` URL cannot be used without the feature.
pub(crate) const UNAVAILABLE: &str =
    "https:// needs TLS: enable the `rustls` feature of sailroute-client";

/// Refuses a URL that needs TLS when this build (`available`: [`AVAILABLE`]) has none, with
/// what to enable: never a silent attempt in the clear.
pub(crate) fn require(url: &str, scheme: &str, available: bool) -> Result<(), ConnectError> {
    if matches!(scheme, "https" | "wss") && !available {
        return Err(ConnectError::TlsUnavailable {
            url: url.to_owned(),
        });
    }
    Ok(())
}

/// The TLS settings of one client.
#[derive(Clone, Default)]
pub(crate) struct Tls {
    #[cfg(feature = "rustls")]
    config: Option<std::sync::Arc<rustls::ClientConfig>>,
}

impl Tls {
    /// The web's roots plus `extra_roots` (DER certificates).
    #[cfg_attr(not(feature = "rustls"), allow(clippy::unnecessary_wraps))]
    pub(crate) fn new(extra_roots: &[Vec<u8>]) -> Result<Self, String> {
        #[cfg(feature = "rustls")]
        {
            use std::sync::Arc;
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            for der in extra_roots {
                roots
                    .add(rustls::pki_types::CertificateDer::from(der.clone()))
                    .map_err(|e| format!("a root certificate was refused: {e}"))?;
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(Tls {
                config: Some(Arc::new(config)),
            })
        }
        #[cfg(not(feature = "rustls"))]
        {
            if extra_roots.is_empty() {
                Ok(Tls {})
            } else {
                Err(format!("root certificates were given, but {UNAVAILABLE}"))
            }
        }
    }

    /// Opens a WebSocket (`wss://` through rustls when the feature is on), without Nagle's
    /// delay: every frame is a request or an answer someone waits for.
    pub(crate) async fn connect_websocket(
        &self,
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Result<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
        tokio_tungstenite::tungstenite::Error,
    > {
        #[cfg(feature = "rustls")]
        let connected = tokio_tungstenite::connect_async_tls_with_config(
            request,
            None,
            true,
            self.config
                .clone()
                .map(tokio_tungstenite::Connector::Rustls),
        )
        .await;
        #[cfg(not(feature = "rustls"))]
        let connected = tokio_tungstenite::connect_async_with_config(request, None, true).await;
        connected.map(|(stream, _)| stream)
    }

    /// An HTTP client with these settings; `redirect` (default: none followed).
    pub(crate) fn http_client(
        &self,
        redirect: Option<reqwest::redirect::Policy>,
    ) -> Result<reqwest::Client, String> {
        let builder = reqwest::Client::builder()
            .redirect(redirect.unwrap_or_else(reqwest::redirect::Policy::none));
        #[cfg(feature = "rustls")]
        let builder = match &self.config {
            Some(config) => builder.use_preconfigured_tls(rustls::ClientConfig::clone(config)),
            None => builder,
        };
        builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_tls_an_https_url_is_refused_with_what_to_enable() {
        for url in ["https://example.test", "wss://example.test"] {
            let scheme = &url[..url.find(':').unwrap_or(0)];
            let error = require(url, scheme, false).unwrap_err();
            assert!(matches!(error, ConnectError::TlsUnavailable { .. }));
            assert!(error.to_string().contains("`rustls` feature"), "{error}");
            assert!(require(url, scheme, true).is_ok());
        }
        assert!(require("http://example.test", "http", false).is_ok());
    }
}
