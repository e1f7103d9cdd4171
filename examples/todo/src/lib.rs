//! A todo API: every route is declared with sailroute's route macros, so one router serves
//! HTTP and Sails socket requests, and `examples/todo-client` generates typed clients for it
//! from this source.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use sailroute::routes;

mod api;

pub use api::*;

/// The in-memory store.
#[derive(Clone, Default)]
pub struct AppState {
    inner: Arc<Mutex<Store>>,
}

#[derive(Default)]
struct Store {
    next_id: u64,
    todos: BTreeMap<u64, Todo>,
}

impl AppState {
    fn with<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The API's contract, checked in beside this crate (`api.json`, kept current by
/// `tests/routes.rs`): the server checks generated clients against it.
pub fn contract() -> sailroute::contract::Contract {
    sailroute::contract::Contract::from_json(include_str!("../api.json"))
        .expect("api.json is a contract file: tests/routes.rs writes and checks it")
}

/// The application: every route under `/api`, with a fresh store. The generated clients
/// call `/api/todos`: the generator follows the `nest`.
pub fn app() -> Router {
    Router::new().nest(
        "/api",
        routes![
            list_todos,
            get_todo,
            get_todo_by_uid,
            create_todo,
            update_todo,
            delete_todo,
            search,
            stats
        ]
        .with_state(AppState::default()),
    )
}
