//! Route attribute macros for sailroute. Use them through the `sailroute` crate, which
//! re-exports them and documents them with examples.
//!
//! The parsing and checking live in `sailroute-ir`, shared with the client generator, so a
//! route the macro accepts is a route the generator understands the same way.

use proc_macro::TokenStream;
use sailroute_ir::model::Method;

mod model;
mod pubsub;
mod route;
mod routes;

macro_rules! method_attribute {
    ($($name:ident => $method:ident),* $(,)?) => {$(
        #[doc = concat!("Declares an async handler for `", stringify!($name), "` requests on a path; see `sailroute::", stringify!($name), "`.")]
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            route::expand(Method::$method, attr.into(), item.into()).into()
        }
    )*};
}

method_attribute! {
    get => Get,
    post => Post,
    put => Put,
    patch => Patch,
    delete => Delete,
    head => Head,
    options => Options,
}

/// Builds an axum `Router<S>` from handlers declared with the route attributes; see
/// `sailroute::routes!`.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    routes::expand(input.into()).into()
}

/// Names the Socket.IO event a serde type travels as; see `sailroute::event`.
#[proc_macro_attribute]
pub fn event(attr: TokenStream, item: TokenStream) -> TokenStream {
    pubsub::expand_event(attr.into(), item.into()).into()
}

/// Marks a record type for Sails' resourceful pub-sub; see `sailroute::resource`.
#[proc_macro_attribute]
pub fn resource(attr: TokenStream, item: TokenStream) -> TokenStream {
    pubsub::expand_resource(attr.into(), item.into()).into()
}

/// Declares a blueprint model on a struct; see `sailroute::model`.
#[proc_macro_attribute]
pub fn model(attr: TokenStream, item: TokenStream) -> TokenStream {
    model::expand(attr.into(), item.into()).into()
}
