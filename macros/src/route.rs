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

/// The handler `routes!` mounts for the handler named `name`: it checks the arguments that
/// have validation rules, then calls the handler as written.
pub(crate) fn checked_ident(name: &syn::Ident) -> syn::Ident {
    format_ident!("__sailroute_checked_{}", name)
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
            let checked = checked_ident(&func.sig.ident);
            let vis = &func.vis;
            return quote! {
                #func
                #meta
                #[doc(hidden)]
                #[allow(non_snake_case, missing_docs, unreachable_pub, dead_code)]
                #vis async fn #checked() {}
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
    let checked = checked_handler(&func);
    // `subscribes = T` must name an event or resource type: checked where the type is.
    let subscribes = attr.subscribes.iter().map(|path| {
        quote::quote_spanned! {syn::spanned::Spanned::span(path)=>
            const _: () = ::sailroute::__private::assert_subscribable::<#path>();
        }
    });
    quote! {
        #func
        #meta
        #checked
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

/// The wrapper `routes!` mounts: same arguments, each checked against its type's validation
/// rules (`sailroute::__private::Probe` picks the check, or none, per argument type), then
/// the handler itself. A failure answers 422 before the handler runs, on both transports.
fn checked_handler(func: &syn::ItemFn) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let checked = checked_ident(name);
    let generics = &func.sig.generics;
    let where_clause = &generics.where_clause;
    let mut params = Vec::new();
    let mut bindings = Vec::new();
    let mut args = Vec::new();
    for (i, input) in func.sig.inputs.iter().enumerate() {
        if let syn::FnArg::Typed(arg) = input {
            let ident = format_ident!("__sailroute_arg{}", i);
            let ty = &arg.ty;
            match json_body_type(ty) {
                // Read as axum reads it, except that a struct refuses a JSON array.
                Some(inner) => {
                    params.push(quote! { #ident: ::sailroute::__private::StrictJson<#inner> });
                    bindings.push(quote! {
                        let #ident: #ty = <#ty as ::core::convert::From<#inner>>::from(#ident.0);
                    });
                }
                None => params.push(quote! { #ident: #ty }),
            }
            args.push(ident);
        }
    }
    let doc =
        format!("[`{name}`] behind the validation of its arguments, for `sailroute::routes!`.");
    // The wrapper exists exactly when the handler does.
    let cfgs = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"));
    quote! {
        #(#cfgs)*
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_snake_case, missing_docs, unreachable_pub, clippy::too_many_arguments, clippy::needless_borrow)]
        #vis async fn #checked #generics (#(#params),*) -> ::sailroute::__private::Response #where_clause {
            #[allow(unused_imports)]
            use ::sailroute::__private::{ProbeAny as _, ProbeChecked as _};
            #(#bindings)*
            let mut invalid = ::sailroute::Invalid::default();
            #( (&::sailroute::__private::Probe(&#args)).__sailroute_check(&mut invalid); )*
            if !invalid.is_empty() {
                return ::sailroute::__private::IntoResponse::into_response(invalid);
            }
            ::sailroute::__private::IntoResponse::into_response(#name(#(#args),*).await)
        }
    }
}

/// `T` of an argument typed `Json<T>`, `axum::Json<T>` or `axum::extract::Json<T>`: axum's
/// `Json`, which the wrapper reads through `StrictJson`. (An extractor of the app's own must
/// have another name than `Json`, or it would be taken for axum's.)
fn json_body_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let axums = matches!(
        names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["Json"] | ["axum", "Json"] | ["axum", "extract", "Json"]
    );
    if !axums || path.qself.is_some() {
        return None;
    }
    single_type_arg(ty, "Json")
}

/// `S` of an argument typed `Path<S>` (also `axum::extract::Path<S>`).
fn path_struct_type(ty: &syn::Type) -> Option<&syn::Type> {
    single_type_arg(ty, "Path")
}

/// `T` of a type written `…::Name<T>`.
fn single_type_arg<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}
