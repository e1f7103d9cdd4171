//! The HTTP transport: the same call as a plain HTTP request.

use serde_json::Value;

use crate::error::TransportError;

use crate::error::ConnectError;

#[derive(Clone)]
pub(crate) struct HttpTransport {
    base: String,
    client: reqwest::Client,
}

impl HttpTransport {
    pub(crate) fn new(base: &str, tls: &crate::tls::Tls) -> Result<Self, ConnectError> {
        let invalid = |message: String| ConnectError::InvalidUrl {
            url: base.to_owned(),
            message,
        };
        let parsed = url::Url::parse(base).map_err(|e| invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("expected http:// or https://".to_owned()));
        }
        crate::tls::require(base, parsed.scheme(), crate::tls::AVAILABLE)?;
        // A socket request is not followed either: the caller sees the 3xx.
        let client = tls
            .http_client(Some(reqwest::redirect::Policy::none()))
            .map_err(|message| ConnectError::Engine {
                url: base.to_owned(),
                message,
            })?;
        Ok(HttpTransport {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }

    /// Sends the request; returns the status and the body as JSON (text bodies become a JSON
    /// string, no body is `null`).
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<(u16, Value), crate::socket::SendError> {
        let mut request = self.client.request(method, format!("{}{url}", self.base));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(crate::socket::SendError::Encode)?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let response = request.send().await.map_err(TransportError::http)?;
        let status = response.status().as_u16();
        let is_json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let essence = ct.split(';').next().unwrap_or("").trim();
                essence == "application/json" || essence.ends_with("+json")
            });
        let bytes = response.bytes().await.map_err(TransportError::http)?;
        let value = if bytes.is_empty() {
            Value::Null
        } else if is_json {
            // Kept as text rather than failing here: decoding it as the route's type then fails
            // with the text in `raw`, and an error body stays readable.
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        } else {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        };
        Ok((status, value))
    }
}

/// An error with its causes, which reqwest keeps out of its `Display` (a refused certificate
/// would otherwise read "error sending request").
pub(crate) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
