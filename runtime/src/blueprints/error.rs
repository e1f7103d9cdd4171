//! Why a model call or a blueprint request failed, and the status each answers with.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::criteria::CriteriaError;

/// A failed model call: each variant's `Display` is the sentence a blueprint route answers
/// with, and [`ModelError::status`] its status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The query or the record does not fit the model (400).
    #[error(transparent)]
    Criteria(#[from] CriteriaError),
    /// A request body that is not what the action takes (400).
    #[error("{0}")]
    BadBody(String),
    /// An id in the path that is not a whole number (400).
    #[error("`{given}` is not an id of `{model}`: ids are whole numbers")]
    BadId {
        /// The model's identity.
        model: String,
        /// What was given.
        given: String,
    },
    /// No record has the id (404).
    #[error("no `{model}` has the id {id}")]
    NotFound {
        /// The model's identity.
        model: String,
        /// The id asked for.
        id: i64,
    },
    /// A singular association that names nothing, asked for by `populate` (404).
    #[error("the `{model}` {id} has no `{name}`")]
    Unset {
        /// The model's identity.
        model: String,
        /// The record's id.
        id: i64,
        /// The association.
        name: String,
    },
    /// A name in the path that is not an association of the model (404), or one the action
    /// cannot take (a singular one for `add`, `remove` and `replace`).
    #[error("`{name}` is not {wanted} of `{model}`")]
    NoSuchAssociation {
        /// The model's identity.
        model: String,
        /// The name given.
        name: String,
        /// "an association" or "a plural association".
        wanted: &'static str,
    },
    /// A singular association naming a record that does not exist (409).
    #[error("`{attr}` of `{model}` names the `{target}` {id}, which does not exist")]
    MissingTarget {
        /// The model's identity.
        model: String,
        /// The association.
        attr: String,
        /// The associated model's identity.
        target: String,
        /// The id that was given.
        id: i64,
    },
    /// A unique attribute's value is taken (409).
    #[error("another `{model}` already has this `{attr}`")]
    Taken {
        /// The model's identity.
        model: String,
        /// The unique attribute.
        attr: String,
    },
    /// A model declaration that does not hold together (at start).
    #[error("model `{model}`: {problem}")]
    Declaration {
        /// The model's identity.
        model: String,
        /// What is wrong, and what to write instead.
        problem: String,
    },
    /// The model was not declared.
    #[error("no model is declared with the identity `{0}`")]
    UnknownModel(String),
    /// The database failed (500); nothing was changed.
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
}

impl ModelError {
    /// The HTTP status a blueprint route answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ModelError::Criteria(_) | ModelError::BadBody(_) | ModelError::BadId { .. } => {
                StatusCode::BAD_REQUEST
            }
            ModelError::NotFound { .. }
            | ModelError::Unset { .. }
            | ModelError::NoSuchAssociation { .. } => StatusCode::NOT_FOUND,
            ModelError::MissingTarget { .. } | ModelError::Taken { .. } => StatusCode::CONFLICT,
            ModelError::Declaration { .. }
            | ModelError::UnknownModel(_)
            | ModelError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short name of the kind of failure, in the body's `error`.
    fn kind(&self) -> &'static str {
        match self.status() {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::CONFLICT => "conflict",
            _ => "server_error",
        }
    }
}

/// `{"error": "bad_request" | "not_found" | "conflict" | "server_error", "message": …}`; a
/// database failure is logged and its detail kept out of the answer.
impl IntoResponse for ModelError {
    fn into_response(self) -> Response {
        let message = if let ModelError::Database(error) = &self {
            tracing::error!(%error, "a blueprint's database call failed");
            "the database failed; nothing was changed".to_owned()
        } else {
            self.to_string()
        };
        let body = json!({ "error": self.kind(), "message": message });
        (self.status(), Json(body)).into_response()
    }
}
