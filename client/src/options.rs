//! How a client connects: [`ConnectOptions`] and the header providers of rotating tokens.

use std::time::Duration;

#[cfg(feature = "rustls")]
use crate::error::ConnectError;

/// Headers computed when they are needed: on every (re)connect for a handshake, on every
/// call for a request — for tokens that rotate.
pub type HeaderProvider = std::sync::Arc<dyn Fn() -> Vec<(String, String)> + Send + Sync>;

/// Options for [`RawClient::connect_with`](crate::RawClient::connect_with).
#[derive(Clone)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Headers on the connection's handshake (`cookie`, `origin`, `authorization`, …).
    pub handshake_headers: Vec<(String, String)>,
    /// More handshake headers, computed again for every (re)connect, after the fixed ones.
    pub handshake_header_provider: Option<HeaderProvider>,
    /// How long to wait for the connection.
    pub connect_timeout: Duration,
    /// Root certificates (DER) trusted besides the web's, for `https://` servers (the
    /// `rustls` feature): a private CA, a test certificate.
    pub root_certificates: Vec<Vec<u8>>,
    /// The hash of the contract the client was generated from, sent with the handshake and
    /// every call so that a server given its contract can refuse an incompatible client with
    /// [`ConnectError::Incompatible`](crate::ConnectError::Incompatible) / [`ClientError::Incompatible`](crate::ClientError::Incompatible). Generated clients set it.
    pub contract: Option<String>,
    /// Where the server serves Socket.IO, after the URL's own path: `/socket.io/` by default,
    /// as the server's `ServerBuilder::socket_path` and Sails' `sockets.path` default.
    pub socket_path: String,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("handshake_headers", &self.handshake_headers)
            .field(
                "handshake_header_provider",
                &self.handshake_header_provider.is_some(),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("root_certificates", &self.root_certificates.len())
            .field("contract", &self.contract)
            .field("socket_path", &self.socket_path)
            .finish()
    }
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            handshake_headers: Vec::new(),
            handshake_header_provider: None,
            connect_timeout: Duration::from_secs(10),
            root_certificates: Vec::new(),
            contract: None,
            socket_path: crate::DEFAULT_SOCKET_PATH.to_owned(),
        }
    }
}

impl ConnectOptions {
    /// The hash of the contract the client was generated from (generated clients pass their
    /// `CONTRACT`).
    #[must_use]
    pub fn contract(mut self, hash: impl Into<String>) -> Self {
        self.contract = Some(hash.into());
        self
    }

    /// Fixed handshake headers.
    #[must_use]
    pub fn handshake_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.handshake_headers.push((name.into(), value.into()));
        self
    }

    /// Handshake headers computed again for every (re)connect (a token that rotates).
    #[must_use]
    pub fn handshake_header_provider<F>(mut self, provider: F) -> Self
    where
        F: Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    {
        self.handshake_header_provider = Some(std::sync::Arc::new(provider));
        self
    }

    /// Where the server serves Socket.IO (`ServerBuilder::socket_path`, Sails'
    /// `sockets.path`), joined to the URL's path as HTTP calls are: with the URL
    /// `https://example.com/app` and the default, the socket opens at `/app/socket.io/`.
    #[must_use]
    pub fn socket_path(mut self, path: impl Into<String>) -> Self {
        self.socket_path = path.into();
        self
    }

    /// How long to wait for the connection.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Trusts `der` (a DER certificate) as a root besides the web's (the `rustls` feature).
    #[must_use]
    pub fn root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(der.into());
        self
    }

    /// Trusts every certificate of a PEM file's text as a root (the `rustls` feature).
    ///
    /// # Errors
    ///
    /// [`ConnectError::InvalidCertificate`] when the text holds no certificate or a broken
    /// one.
    #[cfg(feature = "rustls")]
    pub fn root_certificate_pem(mut self, pem: &str) -> Result<Self, ConnectError> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let before = self.root_certificates.len();
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| ConnectError::InvalidCertificate(e.to_string()))?;
            self.root_certificates.push(cert.to_vec());
        }
        if self.root_certificates.len() == before {
            return Err(ConnectError::InvalidCertificate(
                "no certificate in the PEM text".to_owned(),
            ));
        }
        Ok(self)
    }
}
