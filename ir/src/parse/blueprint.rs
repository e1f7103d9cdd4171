//! `#[model("identity", prefix = "/api", route_name = "users")]` on a struct: a blueprint
//! model. Its fields are its attributes (`name: Option<String>`), its singular associations
//! (`#[model] owner: Option<User>`) and its collections (`#[collection(via = "owner")] pets:
//! Vec<Pet>`). Read the same way by the attribute macro (which builds the runtime `Model`) and
//! the client generator (which derives the model's routes and types).

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{GenericArgument, LitStr, PathArguments, Token, Type};

use super::docs::docs_of;
use crate::model::{AttrKind, BlueprintAssoc, BlueprintAttr, BlueprintDef, SourceLoc};

/// The blueprint actions, by Sails' names: every model serves all of them.
pub const ACTIONS: [&str; 9] = [
    "find", "findOne", "create", "update", "destroy", "populate", "add", "remove", "replace",
];

/// The attributes every model has.
const IMPLIED: [&str; 3] = ["id", "createdAt", "updatedAt"];

/// A parsed `#[model("identity", …)]`.
#[derive(Debug, Clone)]
pub struct ModelAttr {
    /// The identity.
    pub identity: LitStr,
    /// `prefix = "/api"`.
    pub prefix: Option<LitStr>,
    /// `route_name = "users"`.
    pub route_name: Option<LitStr>,
}

mod kw {
    syn::custom_keyword!(prefix);
    syn::custom_keyword!(route_name);
    syn::custom_keyword!(via);
}

impl Parse for ModelAttr {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error("missing identity: write `#[sailroute::model(\"user\")]`"));
        }
        let identity: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "the identity is a string literal, like `#[sailroute::model(\"user\")]`",
            )
        })?;
        let value = identity.value();
        if value.is_empty()
            || !value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || value.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(syn::Error::new(
                identity.span(),
                format!(
                    "`{value}` is not an identity: write it in lower case letters, digits and `_`, like `\"user\"`"
                ),
            ));
        }
        let mut attr = ModelAttr {
            identity,
            prefix: None,
            route_name: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::prefix) {
                input.parse::<kw::prefix>()?;
                input.parse::<Token![=]>()?;
                let prefix: LitStr = input.parse()?;
                if !prefix.value().starts_with('/') {
                    return Err(syn::Error::new(
                        prefix.span(),
                        "a prefix starts with `/`, like `prefix = \"/api\"`",
                    ));
                }
                attr.prefix = Some(prefix);
            } else if lookahead.peek(kw::route_name) {
                input.parse::<kw::route_name>()?;
                input.parse::<Token![=]>()?;
                let name: LitStr = input.parse()?;
                if name.value().is_empty() || name.value().contains('/') {
                    return Err(syn::Error::new(
                        name.span(),
                        "a route name is one path segment, like `route_name = \"users\"`",
                    ));
                }
                attr.route_name = Some(name);
            } else {
                return Err(syn::Error::new(
                    lookahead.error().span(),
                    "expected `prefix = \"/api\"` or `route_name = \"users\"`",
                ));
            }
        }
        Ok(attr)
    }
}

/// Parses the tokens of `#[model(…)]`.
pub fn model_attr(tokens: TokenStream) -> syn::Result<ModelAttr> {
    syn::parse2(tokens)
}

/// `via = "owner"` of `#[collection(…)]`.
struct Via(LitStr);

impl Parse for Via {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "a collection names the association that points back: `#[collection(via = \"owner\")]`",
            ));
        }
        input.parse::<kw::via>()?;
        input.parse::<Token![=]>()?;
        let via = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        Ok(Via(via))
    }
}

/// The field's type inside `Option<…>`, or the type itself.
fn unoption(ty: &Type) -> &Type {
    match single_arg(ty, "Option") {
        Some(inner) => inner,
        None => ty,
    }
}

/// `T` of `wrapper<T>` when `ty` is that.
fn single_arg<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The last path segment of a plain type: the associated model's struct name.
fn type_name(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    matches!(last.arguments, PathArguments::None).then(|| last.ident.to_string())
}

/// What an attribute's Rust type is stored as.
fn attr_kind(ty: &Type) -> Option<AttrKind> {
    let ty = unoption(ty);
    if let Type::Reference(r) = ty {
        return (type_name(&r.elem).as_deref() == Some("str")).then_some(AttrKind::String);
    }
    Some(match type_name(ty)?.as_str() {
        "String" => AttrKind::String,
        "bool" => AttrKind::Boolean,
        "f32" | "f64" => AttrKind::Number,
        "Value" => AttrKind::Json,
        name if crate::model::IntKind::from_name(name).is_some() => AttrKind::Integer,
        _ => return None,
    })
}

/// Reads a `#[model]` struct; `attr` is its parsed attribute, `loc` turns a span into a place.
pub fn blueprint_def(
    item: &syn::ItemStruct,
    attr: &ModelAttr,
    loc: impl Fn(proc_macro2::Span) -> SourceLoc,
) -> syn::Result<BlueprintDef> {
    let syn::Fields::Named(fields) = &item.fields else {
        return Err(syn::Error::new_spanned(
            &item.ident,
            "a model is a struct with named fields: one per attribute or association",
        ));
    };
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.generics,
            "a model has no generic parameters",
        ));
    }
    let mut attributes = Vec::new();
    let mut associations = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let name = ident.to_string().trim_start_matches("r#").to_owned();
        if IMPLIED.contains(&name.as_str()) || names.contains(&name) {
            return Err(syn::Error::new_spanned(
                ident,
                format!(
                    "`{name}` is declared twice (every model has `id`, `createdAt` and `updatedAt`): remove or rename it"
                ),
            ));
        }
        names.push(name.clone());
        let docs = docs_of(&field.attrs);
        let one = field.attrs.iter().find(|a| a.path().is_ident("model"));
        let many = field.attrs.iter().find(|a| a.path().is_ident("collection"));
        match (one, many) {
            (Some(_), Some(_)) => {
                return Err(syn::Error::new_spanned(
                    ident,
                    "an association is `#[model]` (one record) or `#[collection(via = \"…\")]` (many), not both",
                ));
            }
            (Some(_), None) => {
                let target = type_name(unoption(&field.ty)).ok_or_else(|| {
                    syn::Error::new_spanned(
                        &field.ty,
                        "a `#[model]` association's type is the associated model, like `Option<User>`",
                    )
                })?;
                associations.push(BlueprintAssoc {
                    name,
                    target,
                    via: None,
                    docs,
                });
            }
            (None, Some(collection)) => {
                let Via(via) = match &collection.meta {
                    syn::Meta::List(_) => collection.parse_args()?,
                    _ => {
                        return Err(syn::Error::new_spanned(
                            collection,
                            "a collection names the association that points back: `#[collection(via = \"owner\")]`",
                        ));
                    }
                };
                let target = single_arg(&field.ty, "Vec").and_then(type_name).ok_or_else(|| {
                    syn::Error::new_spanned(
                        &field.ty,
                        "a collection's type is a `Vec` of the associated model, like `Vec<Pet>`",
                    )
                })?;
                associations.push(BlueprintAssoc {
                    name,
                    target,
                    via: Some(via.value()),
                    docs,
                });
            }
            (None, None) => {
                let kind = attr_kind(&field.ty).ok_or_else(|| {
                    syn::Error::new_spanned(
                        &field.ty,
                        format!(
                            "`{name}`: this type is not an attribute type; use `String`, an integer type, `f64`, `bool` or `serde_json::Value` (each may be in an `Option`), or mark a field of another model's type `#[model]` (one record) or `#[collection(via = \"…\")]` (`Vec` of records)"
                        ),
                    )
                })?;
                attributes.push(BlueprintAttr { name, kind, docs });
            }
        }
    }
    let identity = attr.identity.value();
    let prefix = attr
        .prefix
        .as_ref()
        .map(|p| p.value().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let route = attr
        .route_name
        .as_ref()
        .map_or_else(|| identity.clone(), LitStr::value);
    Ok(BlueprintDef {
        base: format!("{prefix}/{route}"),
        identity,
        record: item.ident.to_string(),
        actions: ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
        docs: docs_of(&item.attrs),
        attributes,
        associations,
        loc: loc(attr.identity.span()),
    })
}
