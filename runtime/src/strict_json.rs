//! The JSON body extractor the route wrapper uses in place of `axum::Json<T>`: axum's own
//! extraction (content type, body limit, rejections), except that a struct does not accept a
//! JSON array. serde's derive reads a struct from an array of its fields in order, so
//! `[null, null]` was a valid `{title?, done?}` patch, which the type's JSON Schema (an
//! object), the TypeScript types and every client say it is not.
//!
//! Whether `T` is a struct is asked of serde itself: [`Probe`] is a deserializer that records
//! which `deserialize_*` method `T::deserialize` calls first and stops there. Only the body's
//! top level is checked: a struct nested in a field still reads an array, as serde does.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::{self, DeserializeOwned, Visitor};

/// A JSON body of type `T`, read as `axum::Json<T>` reads it, refusing an array for a struct.
#[derive(Debug)]
pub struct StrictJson<T>(pub T);

impl<T, S> FromRequest<S> for StrictJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Not a struct, or not JSON at all (axum's own 415 then, before any body is read).
        if !reads_struct::<T>() || !crate::bridge::is_json(req.headers()) {
            return Json::<T>::from_request(req, state)
                .await
                .map(|Json(value)| StrictJson(value))
                .map_err(IntoResponse::into_response);
        }
        let (parts, body) = req.into_parts();
        // The body limit and its 413 are the `Bytes` extractor's, as for `Json`.
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        // Only a well-typed request is refused here; the rest gets axum's own answer.
        let json = Json::<T>::from_request(
            Request::from_parts(parts, axum::body::Body::from(bytes.clone())),
            state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        if first == Some(&b'[') {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                "Failed to deserialize the JSON body into the target type: expected a JSON object, not an array",
            )
                .into_response());
        }
        Ok(StrictJson(json.0))
    }
}

/// Whether serde's `T` is a struct (its `Deserialize` asks for `deserialize_struct`).
fn reads_struct<T: DeserializeOwned>() -> bool {
    matches!(T::deserialize(Probe), Err(Found::Struct))
}

/// What [`Probe`] found: the first thing `T::deserialize` asked for.
#[derive(Debug)]
enum Found {
    Struct,
    Other,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Found {}

impl de::Error for Found {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Found::Other
    }
}

/// A deserializer that answers every request with what was asked.
struct Probe;

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Found;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
        Err(Found::Other)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Found> {
        Err(Found::Struct)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Patch {
        title: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Wrapper(u8);

    #[test]
    fn structs_are_told_from_everything_else() {
        assert!(reads_struct::<Patch>());
        assert!(!reads_struct::<Vec<Patch>>());
        assert!(!reads_struct::<Wrapper>());
        assert!(!reads_struct::<(u8, u8)>());
        assert!(!reads_struct::<serde_json::Value>());
        assert!(!reads_struct::<std::collections::BTreeMap<String, u8>>());
    }
}
