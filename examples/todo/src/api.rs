//! The routes and the types they exchange. Doc comments here travel into the generated
//! Rust docs and JSDoc.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use garde::Validate;
use sailroute::{delete, get, patch, post};
use serde::{Deserialize, Serialize};

use crate::AppState;

/// A thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Todo {
    /// Assigned by the server.
    pub id: u64,
    /// What to do.
    pub title: String,
    /// Whether it is done.
    pub done: bool,
    /// How urgent it is.
    pub priority: Priority,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// An optional longer note; left out when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A stable public id.
    pub uid: uuid::Uuid,
    /// When it was created.
    pub created: chrono::DateTime<chrono::Utc>,
    /// Who it belongs to, a type of the sibling crate `todo-shared`.
    pub owner: Option<todo_shared::Owner>,
}

/// How urgent a todo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Whenever.
    Low,
    /// Soon.
    #[default]
    Normal,
    /// Now.
    High,
}

/// A todo to create. Its rules are declared once, here: the server checks them on both
/// transports (422 otherwise), the OpenAPI document and the clients know them.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
pub struct NewTodo {
    /// What to do; must not be blank.
    #[garde(length(chars, min = 1, max = 200), pattern(r"[^\s\u0085\uFEFF]"))]
    pub title: String,
    /// Defaults to `normal`.
    #[serde(default)]
    #[garde(skip)]
    pub priority: Priority,
    /// Labels.
    #[serde(default)]
    #[garde(length(max = 20), inner(length(chars, min = 1, max = 40)))]
    pub tags: Vec<String>,
    /// A longer note.
    #[serde(default)]
    #[garde(length(chars, max = 2000))]
    pub note: Option<String>,
    /// Who it belongs to.
    #[serde(default)]
    #[garde(skip)]
    pub owner: Option<todo_shared::Owner>,
}

/// Changes to a todo; absent fields are left alone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
pub struct TodoPatch {
    /// A new title; must not be blank.
    #[garde(length(chars, min = 1, max = 200), pattern(r"[^\s\u0085\uFEFF]"))]
    pub title: Option<String>,
    /// Marks it done or not done.
    #[garde(skip)]
    pub done: Option<bool>,
}

/// Filters for [`list_todos`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListQuery {
    /// Only todos with this `done` value.
    pub done: Option<bool>,
    /// Only todos carrying this tag.
    pub tag: Option<String>,
}

/// Counts over the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// All todos.
    pub total: usize,
    /// Done ones.
    pub done: usize,
    /// Counts per priority name.
    pub by_priority: BTreeMap<String, usize>,
}

/// Why a call failed; the JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ApiError {
    /// No todo has this id.
    NotFound {
        /// The id asked for.
        id: u64,
    },
    /// The input was refused.
    Invalid {
        /// What is wrong.
        message: String,
    },
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self {
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        };
        (status, Json(self)).into_response()
    }
}

/// A search: sequences travel as repeated keys (`?tag=a&tag=b`), which `sailroute::Query`
/// decodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Search {
    /// Todos carrying any of these tags.
    #[serde(default, rename = "tag")]
    pub tags: Vec<String>,
    /// Todos of any of these priorities.
    #[serde(default)]
    pub priority: Vec<Priority>,
    /// These ids only.
    #[serde(default)]
    pub ids: Vec<u64>,
    /// Only todos with this `done` value.
    pub done: Option<bool>,
    /// Text in the title.
    #[serde(rename = "q")]
    pub text: Option<String>,
    /// At most this many.
    pub limit: Option<u32>,
}

/// What a search matched, with the search as the server read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The query, as decoded.
    pub search: Search,
    /// The matching todos.
    pub todos: Vec<Todo>,
}

/// Searches todos; answers with the search as decoded, so clients can check their encoding.
#[get("/search")]
pub async fn search(
    State(state): State<AppState>,
    sailroute::Query(search): sailroute::Query<Search>,
) -> Json<SearchResult> {
    let todos = state.with(|store| {
        store
            .todos
            .values()
            .filter(|t| search.tags.is_empty() || t.tags.iter().any(|g| search.tags.contains(g)))
            .filter(|t| search.priority.is_empty() || search.priority.contains(&t.priority))
            .filter(|t| search.ids.is_empty() || search.ids.contains(&t.id))
            .filter(|t| search.done.is_none_or(|done| t.done == done))
            .filter(|t| {
                search
                    .text
                    .as_ref()
                    .is_none_or(|q| t.title.contains(q.as_str()))
            })
            .take(search.limit.map_or(usize::MAX, |l| l as usize))
            .cloned()
            .collect()
    });
    Json(SearchResult { search, todos })
}

/// Lists todos, oldest first, optionally filtered.
#[get("/todos")]
pub async fn list_todos(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Json<Vec<Todo>> {
    let todos = state.with(|store| {
        store
            .todos
            .values()
            .filter(|t| query.done.is_none_or(|done| t.done == done))
            .filter(|t| query.tag.as_ref().is_none_or(|tag| t.tags.contains(tag)))
            .cloned()
            .collect()
    });
    Json(todos)
}

/// Fetches one todo.
#[get("/todos/:id")]
pub async fn get_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<Todo>, ApiError> {
    state
        .with(|store| store.todos.get(&id).cloned())
        .map(Json)
        .ok_or(ApiError::NotFound { id })
}

/// Creates a todo.
#[post("/todos")]
pub async fn create_todo(
    State(state): State<AppState>,
    Json(new): Json<NewTodo>,
) -> Result<Json<Todo>, ApiError> {
    let todo = state.with(|store| {
        store.next_id += 1;
        let id = store.next_id;
        let todo = Todo {
            id,
            title: new.title,
            done: false,
            priority: new.priority,
            tags: new.tags,
            note: new.note,
            // Derived from the id so that the example needs no clock or randomness.
            uid: uuid::Uuid::from_u128(0x5a11_0000_0000_4000_8000_0000_0000_0000 | u128::from(id)),
            created: chrono::DateTime::from_timestamp(
                1_764_000_000 + i64::try_from(id).unwrap_or(0),
                0,
            )
            .unwrap_or_default(),
            owner: new.owner,
        };
        store.todos.insert(todo.id, todo.clone());
        todo
    });
    Ok(Json(todo))
}

/// Fetches a todo by its public id.
#[get("/todos/by-uid/:uid")]
pub async fn get_todo_by_uid(
    State(state): State<AppState>,
    Path(uid): Path<uuid::Uuid>,
) -> Result<Json<Todo>, ApiError> {
    state
        .with(|store| store.todos.values().find(|t| t.uid == uid).cloned())
        .map(Json)
        .ok_or(ApiError::NotFound { id: 0 })
}

/// Resets every todo: declared but not mounted by `app()` yet, so the generated clients leave
/// it out (and the build prints a warning saying so).
#[sailroute::delete("/todos")]
pub async fn reset_todos(State(state): State<AppState>) -> StatusCode {
    state.with(|store| store.todos.clear());
    StatusCode::NO_CONTENT
}

/// Routes only the server's own tests mount: never in a client.
#[cfg(test)]
mod test_routes {
    /// Answers `ok`.
    #[sailroute::get("/test-only")]
    pub(super) async fn test_only() -> &'static str {
        "ok"
    }

    #[test]
    fn mounts() {
        let _router: axum::Router = sailroute::routes![test_only];
    }
}

/// Changes a todo's title or done state.
#[patch("/todos/{id}")]
pub async fn update_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Json(patch): Json<TodoPatch>,
) -> Result<Json<Todo>, ApiError> {
    state.with(|store| {
        let todo = store.todos.get_mut(&id).ok_or(ApiError::NotFound { id })?;
        if let Some(title) = patch.title {
            todo.title = title;
        }
        if let Some(done) = patch.done {
            todo.done = done;
        }
        Ok(Json(todo.clone()))
    })
}

/// Deletes a todo.
#[delete("/todos/:id")]
pub async fn delete_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<StatusCode, ApiError> {
    state
        .with(|store| store.todos.remove(&id))
        .map(|_| StatusCode::NO_CONTENT)
        .ok_or(ApiError::NotFound { id })
}

/// Counts todos.
#[get("/stats")]
pub async fn stats(State(state): State<AppState>) -> Json<Stats> {
    Json(state.with(|store| {
        let mut by_priority = BTreeMap::new();
        for todo in store.todos.values() {
            let name = match todo.priority {
                Priority::Low => "low",
                Priority::Normal => "normal",
                Priority::High => "high",
            };
            *by_priority.entry(name.to_owned()).or_insert(0) += 1;
        }
        Stats {
            total: store.todos.len(),
            done: store.todos.values().filter(|t| t.done).count(),
            by_priority,
        }
    }))
}
