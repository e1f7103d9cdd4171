//! `#[event("name")]` and `#[resource("identity", id = T)]`: name a serde type's event once,
//! so server code and generated clients cannot disagree on it.

use proc_macro2::TokenStream;
use quote::quote;
use sailroute_ir::parse::{event_attr, resource_attr};

fn with_item(
    item: TokenStream,
    what: &str,
    impls: impl FnOnce(&syn::DeriveInput) -> syn::Result<TokenStream>,
) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                format!("#[{what}] goes on a struct or enum deriving Serialize"),
            )
            .to_compile_error();
            return quote! { #item #error };
        }
    };
    match impls(&input) {
        Ok(impls) => quote! { #input #impls },
        Err(e) => {
            let error = e.to_compile_error();
            quote! { #input #error }
        }
    }
}

/// The where clause of the generated impls: the type must serialize.
fn where_serialize(input: &syn::DeriveInput) -> (TokenStream, TokenStream, TokenStream) {
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    predicates.push(quote!(Self: ::sailroute::__private::Serialize));
    (
        quote!(#impl_generics),
        quote!(#ty_generics),
        quote!(where #(#predicates),*),
    )
}

pub(crate) fn expand_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    with_item(item, "event", |input| {
        let name = event_attr(attr)?.name;
        let ident = &input.ident;
        let (impl_generics, ty_generics, where_clause) = where_serialize(input);
        Ok(quote! {
            impl #impl_generics ::sailroute::Event for #ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
            }
            impl #impl_generics ::sailroute::__private::Subscribable for #ident #ty_generics #where_clause {}
        })
    })
}

pub(crate) fn expand_resource(attr: TokenStream, item: TokenStream) -> TokenStream {
    with_item(item, "resource", |input| {
        let parsed = resource_attr(attr)?;
        let identity = parsed.identity;
        let id = parsed.id.map_or_else(|| quote!(u64), |t| quote!(#t));
        let ident = &input.ident;
        let (impl_generics, ty_generics, where_clause) = where_serialize(input);
        Ok(quote! {
            impl #impl_generics ::sailroute::ResourceRecord for #ident #ty_generics #where_clause {
                const IDENTITY: &'static str = #identity;
                type Id = #id;
            }
            impl #impl_generics ::sailroute::__private::Subscribable for #ident #ty_generics #where_clause {}
        })
    })
}
