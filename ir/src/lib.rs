//! The one model of sailroute routes and the serde types they use, and the one parser that
//! reads them from Rust source — shared by the attribute macros (`sailroute-macros`) and the
//! client generator (`sailroute-codegen`), so the two cannot disagree.
//!
//! Data flows one way: [`parse`] (syn -> model, per file or per handler) -> [`resolve`]
//! (keep the mounted routes at their full paths, look every used type up among the scanned
//! ones) -> [`validate`] (checks across routes)
//! -> emitters, which see only [`model`] types.
//!
//! ```
//! let source = r#"
//!     /// Fetches one user.
//!     #[get("/users/:id")]
//!     async fn get_user(Path(id): Path<u64>) -> Json<User> { unreachable!() }
//!
//!     #[derive(Serialize)]
//!     struct User { id: u64, name: String }
//!
//!     // Only mounted routes reach the clients, at the path where they are mounted.
//!     fn app() -> Router { Router::new().nest("/api", routes![get_user]) }
//! "#;
//! let scanned = sailroute_ir::parse::file("users.rs", source).unwrap();
//! let api = sailroute_ir::resolve(vec![scanned]).unwrap();
//! sailroute_ir::validate(&api).unwrap();
//! assert_eq!(api.routes[0].path.axum(), "/api/users/{id}");
//! assert!(api.types.contains_key("User"));
//! ```

mod blueprint;
pub mod compat;
pub mod contract;
pub mod error;
pub mod model;
pub mod parse;
mod resolve;
pub mod rules;
mod validate;
mod wire_hash;

pub use error::{Error, Errors};
pub use resolve::{resolve, resolve_with};
pub use validate::{ClientOptions, route_key, validate, validate_client};
