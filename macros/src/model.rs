//! `#[sailroute::model("user")]`: a struct declares a blueprint model. The declaration is read
//! by `sailroute-ir`'s parser (the one the client generator uses), and becomes an
//! implementation of `sailroute::blueprints::ModelType` whose `model()` builds the runtime's
//! `Model`. The struct itself is kept, without the field attributes the parser reads.

use proc_macro2::TokenStream;
use quote::quote;
use sailroute_ir::model::{AttrKind, SourceLoc};
use sailroute_ir::parse::{blueprint_def, model_attr};

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand_inner(attr, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_inner(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut item: syn::ItemStruct = syn::parse2(item).map_err(|e| {
        syn::Error::new(
            e.span(),
            "`#[sailroute::model(\"…\")]` goes on a struct whose fields are the model's attributes and associations",
        )
    })?;
    let parsed = model_attr(attr)?;
    let def = blueprint_def(&item, &parsed, |_| SourceLoc::default())?;
    let identity = &def.identity;
    let mut calls = Vec::new();
    for attribute in &def.attributes {
        let name = &attribute.name;
        let kind = match attribute.kind {
            AttrKind::Integer => quote!(Integer),
            AttrKind::Number => quote!(Number),
            AttrKind::String => quote!(String),
            AttrKind::Boolean => quote!(Boolean),
            AttrKind::Json => quote!(Json),
        };
        calls.push(quote!(.attribute(#name, ::sailroute::blueprints::AttrType::#kind)));
    }
    // The associated model's identity is its own `ModelType::IDENTITY`: a target that is
    // not a model is a compile error at its type.
    let fields = match &item.fields {
        syn::Fields::Named(named) => named.named.iter().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    for assoc in &def.associations {
        // The target as the user wrote it (`User` in `Option<User>` or `Vec<User>`), so that
        // a target that is not a model is reported there.
        let written = fields
            .iter()
            .find(|f| {
                f.ident
                    .as_ref()
                    .is_some_and(|i| i.to_string().trim_start_matches("r#") == assoc.name)
            })
            .and_then(|f| inner_type(&f.ty).cloned());
        let target: syn::Type = match written {
            Some(ty) => ty,
            None => syn::parse_str(&assoc.target)?,
        };
        let target = quote!(<#target as ::sailroute::blueprints::ModelType>::IDENTITY);
        let name = &assoc.name;
        calls.push(match &assoc.via {
            None => quote!(.model(#name, #target)),
            Some(via) => quote!(.collection(#name, #target, #via)),
        });
    }
    if let Some(prefix) = &parsed.prefix {
        calls.push(quote!(.prefix(#prefix)));
    }
    if let Some(route) = &parsed.route_name {
        calls.push(quote!(.route_name(#route)));
    }
    // The parser's field attributes are not attributes of their own: take them off.
    if let syn::Fields::Named(named) = &mut item.fields {
        for field in named.named.iter_mut() {
            field
                .attrs
                .retain(|a| !a.path().is_ident("model") && !a.path().is_ident("collection"));
        }
    }
    let ident = &item.ident;
    Ok(quote! {
        // The struct declares the model; its clients' records are generated from it.
        #[allow(dead_code)]
        #item
        impl ::sailroute::blueprints::ModelType for #ident {
            const IDENTITY: &'static str = #identity;
            fn model() -> ::sailroute::blueprints::Model {
                ::sailroute::blueprints::Model::new(#identity) #(#calls)*
            }
        }
    })
}

/// `T` of `Option<T>` or `Vec<T>`, or the type itself.
fn inner_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return Some(ty);
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" && last.ident != "Vec" {
        return Some(ty);
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}
