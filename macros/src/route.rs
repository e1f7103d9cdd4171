//! `#[get("/users/:id")]` and its siblings: check the handler, keep it as written, and put
//! its method and path where `routes!` can find them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use sailroute_ir::model::{Method, SourceLoc};
use sailroute_ir::parse::{find_route_attr, handler, route_attr};

/// The hidden item `routes!` reads for the handler named `name`.
pub(crate) fn meta_ident(name: &syn::Ident) -> syn::Ident {
    format_ident!("__sailroute_route_{}", name)
}

pub(crate) fn expand(method: Method, attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                format!(
                    "#[{}] goes on an async fn handler, like `#[{}(\"/path\")] async fn handler() -> Json<T>`",
                    method.lower(),
                    method.lower()
                ),
            );
            // Keep the item so one mistake does not cascade into "not found" errors.
            let error = error.to_compile_error();
            return quote! { #item #error };
        }
    };
    let mut errors = Vec::new();
    if let Some((_, extra)) = find_route_attr(&func.attrs) {
        errors.push(syn::Error::new_spanned(
            extra,
            "a handler has one route attribute: declare a second handler for the other route",
        ));
    }
    let parsed = route_attr(method, attr)
        .and_then(|attr| handler(&attr, &func, SourceLoc::default()).map(|route| (attr, route)));
    let (attr, _route) = match parsed {
        Ok(pair) => pair,
        Err(e) => {
            errors.push(e);
            let errors = errors.into_iter().map(|e| e.to_compile_error());
            return quote! { #func #(#errors)* };
        }
    };
    let errors = errors.into_iter().map(|e| e.to_compile_error());

    let vis = &func.vis;
    let name = &func.sig.ident;
    let meta = meta_ident(name);
    let axum_path = attr.path.axum();
    let key = sailroute_ir::route_key(method, &attr.path.segments);
    let shape = format!("{} /{}", method.upper(), key.1.join("/"));
    let filter = format_ident!("{}", method.upper());
    let doc = format!("Route metadata of [`{name}`], read by `sailroute::routes!`.");
    // `subscribes = T` must name an event or resource type: checked where the type is.
    let subscribes = attr.subscribes.iter().map(|path| {
        quote::quote_spanned! {syn::spanned::Spanned::span(path)=>
            const _: () = ::sailroute::__private::assert_subscribable::<#path>();
        }
    });
    quote! {
        #func

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs, unreachable_pub)]
        #vis struct #meta {}

        #[allow(missing_docs, unreachable_pub, dead_code)]
        impl #meta {
            /// The method filter.
            pub const METHOD: ::sailroute::__private::MethodFilter = ::sailroute::__private::MethodFilter::#filter;
            /// The path in axum syntax.
            pub const PATH: &'static str = #axum_path;
            /// Method and path with parameter names erased: two routes with equal shapes clash.
            pub const SHAPE: &'static str = #shape;
        }
        #(#subscribes)*
        #(#errors)*
    }
}
