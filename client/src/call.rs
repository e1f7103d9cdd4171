//! [`Call`]: the one way to make a call, built step by step, so that a generated client's
//! method reads `raw.request("GET", path).query(query).send()` whatever the route takes.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ClientError;
use crate::raw::{RawClient, decode};

/// One call being built; nothing is sent until [`send`](Call::send) or
/// [`send_empty`](Call::send_empty). A query or body that cannot be encoded fails the call
/// there with [`ClientError::Encode`], before anything is sent.
#[must_use = "a call is sent only by `send` or `send_empty`"]
pub struct Call<'a> {
    client: &'a RawClient,
    method: &'static str,
    url: String,
    body: Option<Value>,
    subscribe: bool,
    /// The first encoding error, reported when the call is sent.
    invalid: Option<String>,
    /// The rules the input breaks, reported when the call is sent.
    broken: Vec<crate::FieldError>,
}

impl std::fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("subscribe", &self.subscribe)
            .finish_non_exhaustive()
    }
}

impl<'a> Call<'a> {
    pub(crate) fn new(client: &'a RawClient, method: &'static str, path: String) -> Self {
        Call {
            client,
            method,
            url: path,
            body: None,
            subscribe: false,
            invalid: None,
            broken: Vec::new(),
        }
    }

    /// Appends `query` to the path, encoded as the server's `sailroute::Query` decodes it
    /// (sequences as repeated keys).
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        match serde_html_form::to_string(query) {
            Ok(encoded) if encoded.is_empty() => {}
            Ok(encoded) => {
                self.url
                    .push(if self.url.contains('?') { '&' } else { '?' });
                self.url.push_str(&encoded);
            }
            Err(e) => {
                self.invalid.get_or_insert(format!(
                    "the query must be a flat object of scalars and sequences of scalars: {e}"
                ));
            }
        }
        self
    }

    /// Sends `body` as JSON (over a socket, the virtual request's `data`).
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_value(body) {
            Ok(value) => self.body = Some(value),
            Err(e) => {
                self.invalid.get_or_insert(e.to_string());
            }
        }
        self
    }

    /// Checks `input` (the body or query) against its type's validation rules, unless the
    /// client's local checks are off: a call whose input breaks one fails with
    /// [`ClientError::Invalid`] when sent, and nothing is sent.
    pub fn check<V: crate::Validate + ?Sized>(mut self, input: &V) -> Self {
        if self.client.local_checks() {
            input.validate_into("", &mut self.broken);
        }
        self
    }

    /// Marks a call that subscribes the socket to events: after a reconnect it is re-issued
    /// (with the headers of then), so the new socket is subscribed again.
    pub fn subscribing(mut self) -> Self {
        self.subscribe = true;
        self
    }

    /// Sends the call; decodes a success as `T` and an error body as `E`.
    pub async fn send<T: DeserializeOwned, E: DeserializeOwned>(self) -> Result<T, ClientError<E>> {
        let method = self.method;
        let (status, value, path) = self.exchange().await?;
        decode(method, path, status, value)
    }

    /// Sends the call, for a route whose success carries no body the client reads.
    pub async fn send_empty<E: DeserializeOwned>(self) -> Result<(), ClientError<E>> {
        self.exchange::<E>().await.map(|_| ())
    }

    async fn exchange<E: DeserializeOwned>(self) -> Result<(u16, Value, String), ClientError<E>> {
        if let Some(message) = self.invalid {
            return Err(ClientError::Encode(message));
        }
        if !self.broken.is_empty() {
            return Err(ClientError::Invalid {
                method: self.method,
                path: self.url,
                sent: false,
                fields: self.broken,
            });
        }
        self.client
            .exchange(self.method, self.url, self.body, self.subscribe)
            .await
    }
}
