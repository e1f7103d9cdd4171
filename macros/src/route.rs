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
    let (attr, route) = match parsed {
        Ok(pair) => pair,
        Err(e) => {
            errors.push(e);
            let errors = errors.into_iter().map(|e| e.to_compile_error());
            // The metadata `routes!` reads is still there (with a shape no other route has),
            // so a `routes![…]` naming this handler adds no error of its own.
            let shape = format!("{} (invalid route of {})", method.upper(), func.sig.ident);
            let meta = metadata(&func, method, "/", &shape);
            return quote! {
                #func
                #meta
                #(#errors)*
            };
        }
    };
    // `Path<S>` binds parameters by field name: each parameter must be a field of `S`,
    // checked by the compiler with a pattern spanning the route's path.
    let path_fields = match &route.path_extractor {
        sailroute_ir::model::PathExtractor::Struct(_) => {
            let ty = func.sig.inputs.iter().find_map(|input| match input {
                syn::FnArg::Typed(arg) => path_struct_type(&arg.ty),
                syn::FnArg::Receiver(_) => None,
            });
            ty.map(|ty| {
                let fields = attr
                    .path
                    .params()
                    .map(|p| format_ident!("{}", p, span = attr.path_lit.span()));
                quote::quote_spanned! {attr.path_lit.span()=>
                    const _: fn(#ty) = |__sailroute_path: #ty| {
                        let #ty { #(#fields: _,)* .. } = __sailroute_path;
                    };
                }
            })
        }
        _ => None,
    };
    let errors = errors.into_iter().map(|e| e.to_compile_error());

    let key = sailroute_ir::route_key(method, &attr.path.segments);
    let shape = format!("{} /{}", method.upper(), key.1.join("/"));
    let meta = metadata(&func, method, &attr.path.axum(), &shape);
    // `subscribes = T` must name an event or resource type: checked where the type is.
    let subscribes = attr.subscribes.iter().map(|path| {
        quote::quote_spanned! {syn::spanned::Spanned::span(path)=>
            const _: () = ::sailroute::__private::assert_subscribable::<#path>();
        }
    });
    quote! {
        #func
        #meta
        #(#subscribes)*
        #path_fields
        #(#errors)*
    }
}

/// The hidden item `routes!` reads for `func`: its method filter, its path in axum syntax and
/// its shape (method and path with parameter names erased: two routes with equal shapes
/// clash).
fn metadata(func: &syn::ItemFn, method: Method, axum_path: &str, shape: &str) -> TokenStream {
    let vis = &func.vis;
    let name = &func.sig.ident;
    let meta = meta_ident(name);
    let filter = format_ident!("{}", method.upper());
    let doc = format!("Route metadata of [`{name}`], read by `sailroute::routes!`.");
    quote! {
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
    }
}

/// `S` of an argument typed `Path<S>` (also `axum::extract::Path<S>`).
fn path_struct_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Path" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}
