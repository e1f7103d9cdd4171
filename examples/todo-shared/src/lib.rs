//! Types shared by the todo server and other crates of its workspace. The clients get them
//! because `examples/todo-client/build.rs` scans this crate's source beside the server's.

use serde::{Deserialize, Serialize};

/// Who a todo belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// A display name.
    pub name: String,
    /// The day they joined.
    pub since: chrono::NaiveDate,
}
