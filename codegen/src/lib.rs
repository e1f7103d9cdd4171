//! Generates typed clients for a sailroute server from its source: a Rust client (Socket.IO
//! virtual requests or HTTP, on `sailroute-client`) and a JavaScript ES module with
//! TypeScript declarations (on socket.io-client 4, or `fetch`).
//!
//! From a client crate's `build.rs`:
//!
//! ```no_run
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     sailroute_codegen::configure()
//!         .scan("../todo/src")           // files or directories holding routes and types
//!         .rust_client("todo_client.rs") // written into OUT_DIR
//!         .js_client("js")               // a directory: index.js + index.d.ts
//!         .compile()?;
//!     Ok(())
//! }
//! ```
//! and in `src/lib.rs`: `sailroute_client::include_client!("todo_client");`.
//!
//! The source is read with the same parser the route macros use (`sailroute-ir`), so the
//! client sees exactly the routes the server serves. Output is deterministic, written only
//! when its bytes change, and `cargo:rerun-if-changed` is printed for exactly the files read.

mod builder;
mod emit;
mod load;

use std::path::PathBuf;

pub use builder::{Builder, ClientRoute, Report, configure};
pub use emit::js::JsOptions;
pub use emit::rust::RustOptions;
pub use load::{check_supported, load, load_with};

/// What can go wrong. `Debug` prints the same as `Display` (`file:line:col: message`), so
/// a `build.rs` whose `main` returns this error prints it readably.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a source or writing an output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The source does not describe a client: unknown types, bad routes. Each error names
    /// its file, line and column.
    #[error("{0}")]
    Source(#[from] sailroute_ir::Errors),
    /// A template failed to render (a bug in sailroute-codegen).
    #[error("rendering {what}: {message}")]
    Render {
        /// Which output.
        what: &'static str,
        /// What failed.
        message: String,
        /// The template engine's, serializer's or parser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No output was configured, or no OUT_DIR for a relative one.
    #[error("{0}")]
    Config(String),
    /// `--check`: a checked-in output differs from what would be generated.
    #[error("{} is out of date: regenerate it", .0.display())]
    Drift(PathBuf),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The renderers alone, for `bench/benches/codegen.rs` (which times them apart from reading
/// files). Not part of the API: the builder is.
#[doc(hidden)]
pub mod __bench {
    use sailroute_ir::model::Api;

    /// The Rust client's text for `api`.
    pub fn render_rust(api: &Api) -> Result<String, crate::Error> {
        crate::emit::rust::render(api, &Default::default())
    }

    /// `index.js` and `index.d.ts` for `api`.
    pub fn render_js(api: &Api) -> Result<(String, String), crate::Error> {
        crate::emit::js::render_with(api, &Default::default())
    }
}
