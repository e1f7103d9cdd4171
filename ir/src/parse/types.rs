//! Rust types to [`TypeRef`]s, and serde containers to [`TypeDef`]s — the latter through
//! serde's own attribute parser, so rename, tag, flatten, skip and default mean exactly what
//! they mean to serde.

use serde_derive_internals::ast::{Container, Data, Field as SerdeField, Style};
use serde_derive_internals::attr::TagType;
use serde_derive_internals::{Ctxt, Derive};
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

use super::docs::docs_of;
use super::rules::{derives_validate, field_rules};
use crate::model::{
    EnumRepr, Field, IntKind, Known, Shape, SourceLoc, TypeDef, TypeRef, Variant, VariantShape,
};

/// The last path segment of a path type (`axum::Json<T>` → `Json<T>`).
pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn type_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn unsupported(ty: &impl Spanned, what: &str) -> syn::Error {
    syn::Error::new(
        ty.span(),
        format!(
            "{what} cannot be described to a client: use a serde data type (a struct, an enum, a String, a number, a Vec, an Option, a map with string keys)"
        ),
    )
}

/// Reads a type as it appears in a signature or field; `generics` are the enclosing type's
/// parameters. Names it does not know become [`TypeRef::Named`], resolved against the
/// scanned types later.
pub fn type_ref(ty: &Type, generics: &[String]) -> syn::Result<TypeRef> {
    match ty {
        Type::Group(g) => type_ref(&g.elem, generics),
        Type::Paren(p) => type_ref(&p.elem, generics),
        Type::Reference(r) => type_ref(&r.elem, generics),
        Type::Slice(s) => Ok(TypeRef::List(Box::new(type_ref(&s.elem, generics)?))),
        Type::Array(a) => Ok(TypeRef::List(Box::new(type_ref(&a.elem, generics)?))),
        Type::Tuple(t) if t.elems.is_empty() => Ok(TypeRef::Unit),
        Type::Tuple(t) => Ok(TypeRef::Tuple(
            t.elems
                .iter()
                .map(|e| type_ref(e, generics))
                .collect::<syn::Result<_>>()?,
        )),
        Type::Path(p) if p.qself.is_none() => path_type(ty, &p.path, generics),
        Type::Path(_) => Err(unsupported(ty, "a qualified path type (`<T as Trait>::X`)")),
        Type::ImplTrait(_) => Err(unsupported(ty, "`impl Trait`")),
        Type::TraitObject(_) => Err(unsupported(ty, "a trait object")),
        Type::BareFn(_) => Err(unsupported(ty, "a function pointer")),
        Type::Ptr(_) => Err(unsupported(ty, "a raw pointer")),
        Type::Never(_) => Err(unsupported(ty, "`!`")),
        _ => Err(unsupported(ty, "this type")),
    }
}

fn path_type(ty: &Type, path: &syn::Path, generics: &[String]) -> syn::Result<TypeRef> {
    let Some(last) = path.segments.last() else {
        return Err(unsupported(ty, "an empty path"));
    };
    let name = last.ident.to_string();
    let args = type_args(&last.arguments);
    let arg = |i: usize| -> syn::Result<TypeRef> {
        match args.get(i) {
            Some(t) => type_ref(t, generics),
            None => Err(syn::Error::new(
                last.span(),
                format!("`{name}` needs its type argument here"),
            )),
        }
    };
    if path.segments.len() == 1 && args.is_empty() && generics.contains(&name) {
        return Ok(TypeRef::Param(name));
    }
    if let Some(kind) = IntKind::from_name(&name) {
        return Ok(TypeRef::Int(kind));
    }
    let in_serde_json = path.segments.iter().any(|s| s.ident == "serde_json");
    Ok(match name.as_str() {
        "bool" => TypeRef::Bool,
        "f32" | "f64" => TypeRef::Float,
        "char" => TypeRef::Char,
        "String" | "str" | "PathBuf" => TypeRef::String,
        "Cow" => match args.first() {
            Some(inner) => type_ref(inner, generics)?,
            None => TypeRef::String,
        },
        "Box" | "Arc" | "Rc" => TypeRef::Boxed(Box::new(arg(0)?)),
        "Option" => TypeRef::Option(Box::new(arg(0)?)),
        "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "IndexSet" => {
            TypeRef::List(Box::new(arg(0)?))
        }
        "HashMap" | "BTreeMap" | "IndexMap" => {
            let key = arg(0)?;
            if !matches!(
                key,
                TypeRef::String | TypeRef::Int(_) | TypeRef::Char | TypeRef::Bool
            ) && !matches!(key, TypeRef::Known(k) if k.is_key())
            {
                return Err(syn::Error::new(
                    args[0].span(),
                    "JSON object keys are strings: a map's key type must be a string, a number, a char or a Uuid",
                ));
            }
            TypeRef::Map(Box::new(arg(1)?))
        }
        "Map" if in_serde_json => TypeRef::Map(Box::new(TypeRef::Json)),
        // A bare `Value` is resolved later: `serde_json::Value` unless a scanned type is
        // named `Value`.
        "Value" if in_serde_json => TypeRef::Json,
        "Uuid" => TypeRef::Known(Known::Uuid),
        "DateTime" => {
            let zone = args.first().and_then(|t| match t {
                Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            });
            TypeRef::Known(match zone.as_deref() {
                Some("Utc") => Known::DateTimeUtc,
                Some("FixedOffset") => Known::DateTimeFixed,
                Some("Local") => Known::DateTimeLocal,
                _ => {
                    return Err(syn::Error::new(
                        last.span(),
                        "a `DateTime` needs its time zone written out: `DateTime<Utc>`, `DateTime<FixedOffset>` or `DateTime<Local>`",
                    ));
                }
            })
        }
        "NaiveDateTime" => TypeRef::Known(Known::NaiveDateTime),
        "NaiveDate" => TypeRef::Known(Known::NaiveDate),
        "NaiveTime" => TypeRef::Known(Known::NaiveTime),
        "Url" => TypeRef::Known(Known::Url),
        "IpAddr" => TypeRef::Known(Known::IpAddr),
        "Ipv4Addr" => TypeRef::Known(Known::Ipv4Addr),
        "Ipv6Addr" => TypeRef::Known(Known::Ipv6Addr),
        "SocketAddr" => TypeRef::Known(Known::SocketAddr),
        "Decimal" => TypeRef::Known(Known::Decimal),
        "Bytes" => TypeRef::Known(Known::Bytes),
        _ => TypeRef::Named {
            name,
            args: args
                .iter()
                .map(|t| type_ref(t, generics))
                .collect::<syn::Result<_>>()?,
        },
    })
}

/// The traits a client type may derive as the server's does (beyond `Debug`, `Clone`,
/// `PartialEq` and serde's, which every client type derives).
fn client_derives(attrs: &[syn::Attribute]) -> Vec<String> {
    const KEPT: &[&str] = &["Default", "Eq", "Hash", "PartialOrd", "Ord", "Copy"];
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        for path in paths {
            if let Some(last) = path.segments.last() {
                let name = last.ident.to_string();
                if KEPT.contains(&name.as_str()) && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The paths an item's `#[derive(...)]` attributes name.
pub(crate) fn derived(attrs: &[syn::Attribute]) -> Vec<syn::Path> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .filter_map(|attr| {
            attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .ok()
        })
        .flatten()
        .collect()
}

/// Whether an item derives `Serialize` or `Deserialize` (by last path segment).
pub fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    derived(attrs).iter().any(|p| {
        p.segments
            .last()
            .is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize")
    })
}

/// Reads a serde struct or enum the way serde's derive reads it.
pub fn type_def(item: &syn::DeriveInput, loc: SourceLoc) -> syn::Result<TypeDef> {
    let generics: Vec<String> = item
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let cx = Ctxt::new();
    let container = Container::from_ast(&cx, item, Derive::Serialize);
    let shape = container
        .as_ref()
        .map(|c| shape_of(c, &generics, &loc.file));
    cx.check()?;
    let shape = match shape {
        Some(shape) => shape?,
        None => {
            return Err(syn::Error::new(
                item.span(),
                "serde cannot derive this item",
            ));
        }
    };
    Ok(TypeDef {
        derives: client_derives(&item.attrs),
        validates: derives_validate(&item.attrs),
        name: item.ident.to_string(),
        generics,
        docs: docs_of(&item.attrs),
        shape,
        loc,
    })
}

fn shape_of(container: &Container<'_>, generics: &[String], file: &str) -> syn::Result<Shape> {
    let attrs = &container.attrs;
    if let Some(ty) = attrs.type_into().or(attrs.type_from()) {
        // `#[serde(into = "T")]` / `from`: the JSON is T's.
        return Ok(Shape::Newtype(type_ref(ty, generics)?));
    }
    match &container.data {
        Data::Struct(Style::Unit, _) => Ok(Shape::Unit),
        Data::Struct(Style::Newtype, fields) => {
            Ok(Shape::Newtype(type_ref(fields[0].ty, generics)?))
        }
        Data::Struct(_, fields) if attrs.transparent() => {
            let field = fields
                .iter()
                .find(|f| !f.attrs.skip_serializing())
                .ok_or_else(|| {
                    syn::Error::new(container.ident.span(), "transparent struct without a field")
                })?;
            Ok(Shape::Newtype(type_ref(field.ty, generics)?))
        }
        Data::Struct(Style::Tuple, fields) => Ok(Shape::Tuple(
            fields
                .iter()
                .filter(|f| !f.attrs.skip_serializing())
                .map(|f| type_ref(f.ty, generics))
                .collect::<syn::Result<_>>()?,
        )),
        Data::Struct(Style::Struct, fields) => Ok(Shape::Struct(named_fields(
            fields,
            generics,
            file,
            !attrs.default().is_none(),
        )?)),
        Data::Enum(variants) => {
            let repr = match attrs.tag() {
                TagType::External => EnumRepr::External,
                TagType::Internal { tag } => EnumRepr::Internal { tag: tag.clone() },
                TagType::Adjacent { tag, content } => EnumRepr::Adjacent {
                    tag: tag.clone(),
                    content: content.clone(),
                },
                TagType::None => EnumRepr::Untagged,
            };
            let mut out = Vec::new();
            for variant in variants {
                if variant.attrs.skip_serializing() {
                    continue;
                }
                let shape = match variant.style {
                    Style::Unit => VariantShape::Unit,
                    Style::Newtype => {
                        VariantShape::Newtype(type_ref(variant.fields[0].ty, generics)?)
                    }
                    Style::Tuple => VariantShape::Tuple(
                        variant
                            .fields
                            .iter()
                            .map(|f| type_ref(f.ty, generics))
                            .collect::<syn::Result<_>>()?,
                    ),
                    Style::Struct => {
                        VariantShape::Struct(named_fields(&variant.fields, generics, file, false)?)
                    }
                };
                if variant.attrs.untagged() && repr != EnumRepr::Untagged {
                    return Err(syn::Error::new(
                        variant.ident.span(),
                        "`#[serde(untagged)]` on a single variant is not supported by the client generator: make the whole enum untagged or tag this variant",
                    ));
                }
                out.push(Variant {
                    is_default: variant
                        .original
                        .attrs
                        .iter()
                        .any(|a| a.path().is_ident("default")),
                    rust_name: variant.ident.to_string(),
                    json_name: variant.attrs.name().serialize_name().to_owned(),
                    docs: docs_of(&variant.original.attrs),
                    shape,
                });
            }
            Ok(Shape::Enum {
                repr,
                variants: out,
            })
        }
    }
}

/// A struct's (or struct variant's) fields. `container_default`: the struct has
/// `#[serde(default)]`, so every field may be missing on input.
fn named_fields(
    fields: &[SerdeField<'_>],
    generics: &[String],
    file: &str,
    container_default: bool,
) -> syn::Result<Vec<Field>> {
    let mut out = Vec::new();
    for field in fields {
        if field.attrs.skip_serializing() && field.attrs.skip_deserializing() {
            continue;
        }
        let ty = type_ref(field.ty, generics)?;
        let rules = field_rules(&field.original.attrs, &ty)?;
        let rust_name = match &field.member {
            syn::Member::Named(ident) => ident.to_string(),
            syn::Member::Unnamed(index) => index.index.to_string(),
        };
        out.push(Field {
            rust_name,
            json_name: field.attrs.name().serialize_name().to_owned(),
            has_default: container_default
                || !field.attrs.default().is_none()
                || matches!(ty, TypeRef::Option(_)),
            may_skip: field.attrs.skip_serializing_if().is_some() || field.attrs.skip_serializing(),
            skip_if: field.attrs.skip_serializing_if().map(|p| {
                p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            }),
            flatten: field.attrs.flatten(),
            rules,
            docs: docs_of(&field.original.attrs),
            loc: {
                let start = field.original.span().start();
                SourceLoc {
                    file: file.to_owned(),
                    line: start.line,
                    column: start.column + 1,
                }
            },
            ty,
        });
    }
    Ok(out)
}
