//! `routes![a, b, c]`: an axum `Router<S>` with each handler on its method and path, and a
//! compile-time check that no two share a method and path.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::route::{checked_ident, meta_ident};

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let paths = match Punctuated::<syn::Path, syn::Token![,]>::parse_terminated.parse2(input) {
        Ok(paths) => paths,
        Err(e) => {
            return syn::Error::new(
                e.span(),
                "routes! takes handler names separated by commas, like `routes![get_user, create_user]`",
            )
            .to_compile_error();
        }
    };
    let mut metas = Vec::new();
    for path in &paths {
        let mut meta = path.clone();
        if let Some(last) = meta.segments.last_mut() {
            last.ident = meta_ident(&last.ident);
            last.arguments = syn::PathArguments::None;
        }
        metas.push(meta);
    }
    let shapes = metas.iter().map(|m| quote! { #m::SHAPE });
    let checks = paths.iter().enumerate().skip(1).map(|(i, path)| {
        let name = quote!(#path).to_string().replace(' ', "");
        let message = format!(
            "duplicate route: `{name}` has the same method and path as an earlier handler in this routes! list; change its path or method, or remove one"
        );
        quote_spanned! {path.span()=>
            assert!(!::sailroute::__private::repeats(SHAPES, #i), #message);
        }
    });
    let adds = paths.iter().zip(&metas).map(|(path, meta)| {
        let mut checked = path.clone();
        if let Some(last) = checked.segments.last_mut() {
            last.ident = checked_ident(&last.ident);
        }
        quote_spanned! {path.span()=>
            let router = ::sailroute::__private::route(router, #meta::METHOD, #meta::PATH, #checked);
        }
    });
    quote! {{
        const _: () = {
            const SHAPES: &[&str] = &[#(#shapes),*];
            #(#checks)*
        };
        let router = ::sailroute::__private::Router::new();
        #(#adds)*
        router
    }}
}
