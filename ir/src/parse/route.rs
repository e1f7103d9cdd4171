//! Route attributes (`#[get("/users/:id")]`) and the handlers they sit on.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{FnArg, GenericArgument, ItemFn, LitStr, PathArguments, ReturnType, Type};

use super::docs::docs_of;
use super::types::{last_segment, type_ref};
use crate::model::{
    Method, PathExtractor, PathParam, PathTemplate, Response, Route, SourceLoc, TypeRef,
    Unsupported, UnsupportedKind,
};

/// A parsed route attribute.
#[derive(Debug, Clone)]
pub struct RouteAttr {
    /// The method, from the attribute's name.
    pub method: Method,
    /// The parsed path.
    pub path: PathTemplate,
    /// The path literal, for error spans.
    pub path_lit: LitStr,
    /// `subscribes = T` / `subscribes = [A, B]`: the events or resources the route subscribes
    /// the requesting socket to.
    pub subscribes: Vec<syn::Path>,
}

mod kw {
    syn::custom_keyword!(subscribes);
}

struct AttrArgs {
    path_lit: LitStr,
    subscribes: Vec<syn::Path>,
}

impl Parse for AttrArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "missing route path: write the path as a string, like `#[get(\"/users/:id\")]`",
            ));
        }
        let path_lit: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "the route path is a string literal, like `#[get(\"/users/:id\")]`",
            )
        })?;
        let mut subscribes = Vec::new();
        while !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if !input.peek(kw::subscribes) {
                return Err(input.error(
                    "unexpected argument after the route path: a route attribute takes the path and optionally `subscribes = EventOrResource` (or `subscribes = [A, B]`)",
                ));
            }
            input.parse::<kw::subscribes>()?;
            input.parse::<syn::Token![=]>()?;
            if input.peek(syn::token::Bracket) {
                let content;
                syn::bracketed!(content in input);
                let paths =
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated(
                        &content,
                    )?;
                subscribes.extend(paths);
            } else {
                subscribes.push(input.parse()?);
            }
        }
        Ok(AttrArgs {
            path_lit,
            subscribes,
        })
    }
}

/// Parses the arguments of `#[<method>(...)]`.
pub fn route_attr(method: Method, args: TokenStream) -> syn::Result<RouteAttr> {
    let AttrArgs {
        path_lit,
        subscribes,
    } = syn::parse2(args)?;
    let path = PathTemplate::parse(&path_lit.value())
        .map_err(|e| syn::Error::new(path_lit.span(), format!("invalid route path: {e}")))?;
    Ok(RouteAttr {
        method,
        path,
        path_lit,
        subscribes,
    })
}

/// The route attribute on an item, if it has one: its method and arguments.
pub fn find_route_attr(attrs: &[syn::Attribute]) -> Option<(Method, &syn::Attribute)> {
    attrs.iter().find_map(|attr| {
        let name = attr.path().segments.last()?.ident.to_string();
        Method::from_attr(&name).map(|m| (m, attr))
    })
}

/// Reads a handler: its extractors, return type and docs. Checks what one handler can get
/// wrong on its own (not async, path parameters its extractors do not bind); checks across
/// routes are in [`validate`](crate::validate).
pub fn handler(attr: &RouteAttr, func: &ItemFn, loc: SourceLoc) -> syn::Result<Route> {
    let mut errors: Vec<syn::Error> = Vec::new();
    if func.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            func.sig.fn_token.span,
            format!(
                "route handlers must be async: write `async fn {}(…)`",
                func.sig.ident
            ),
        ));
    }

    let mut path_extractor = PathExtractor::None;
    let mut path_ty: Option<&Type> = None;
    let mut query = None;
    let mut query_extractor = None;
    let mut body = None;
    let mut unsupported = Vec::new();
    let at = |span: Span| {
        let start = span.start();
        SourceLoc {
            file: loc.file.clone(),
            line: start.line,
            column: start.column + 1,
        }
    };
    for input in &func.sig.inputs {
        let FnArg::Typed(arg) = input else { continue };
        let Some((name, inner)) = extractor(&arg.ty) else {
            if let Some(name) = extractor_name(&arg.ty)
                && !CLIENT_FREE_EXTRACTORS.contains(&name.as_str())
            {
                unsupported.push(Unsupported {
                    kind: UnsupportedKind::Extractor,
                    name,
                    ty: type_text(&arg.ty),
                    loc: at(syn::spanned::Spanned::span(&arg.ty)),
                });
            }
            continue;
        };
        let result = match name.as_str() {
            "Path" => type_ref(inner, &[]).map(|ty| {
                path_ty = Some(&arg.ty);
                path_extractor = match ty {
                    TypeRef::Tuple(items) => PathExtractor::Tuple(items),
                    TypeRef::Named { name, .. } => PathExtractor::Struct(name),
                    other => PathExtractor::Single(other),
                };
            }),
            "Query" => type_ref(inner, &[]).map(|ty| {
                query = Some(ty);
                query_extractor = extractor_path(&arg.ty);
            }),
            "Json" => type_ref(inner, &[]).map(|ty| body = Some(ty)),
            _ => Ok(()),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }

    let params: Vec<&str> = attr.path.params().collect();
    let mut path_params = Vec::new();
    match &path_extractor {
        PathExtractor::None if !params.is_empty() => errors.push(syn::Error::new(
            attr.path_lit.span(),
            format!(
                "path parameter{} {} not bound: add a `Path` extractor to the handler, like `Path({}): Path<{}>`",
                if params.len() == 1 { "" } else { "s" },
                list(&params),
                if params.len() == 1 { params[0].to_owned() } else { format!("({})", params.join(", ")) },
                if params.len() == 1 { "String".to_owned() } else { format!("({})", vec!["String"; params.len()].join(", ")) },
            ),
        )),
        PathExtractor::None => {}
        _ if params.is_empty() => errors.push(spanned(
            path_ty,
            format!(
                "this handler takes a `Path` extractor but `{}` has no parameters: remove the extractor or add `:name` to the path",
                attr.path.sails()
            ),
        )),
        PathExtractor::Single(ty) if params.len() == 1 => path_params.push(PathParam {
            name: params[0].to_owned(),
            ty: ty.clone(),
        }),
        PathExtractor::Single(_) => errors.push(spanned(
            path_ty,
            format!(
                "the path has {} parameters ({}) but `Path<T>` here takes one value: use a tuple with one type per parameter, like `Path<({})>`",
                params.len(),
                list(&params),
                vec!["String"; params.len()].join(", ")
            ),
        )),
        PathExtractor::Tuple(types) if types.len() == params.len() => {
            path_params.extend(params.iter().zip(types).map(|(name, ty)| PathParam {
                name: (*name).to_owned(),
                ty: ty.clone(),
            }));
        }
        PathExtractor::Tuple(types) => errors.push(spanned(
            path_ty,
            format!(
                "the path has {} parameter{} ({}) but this `Path` tuple has {} element{}: give one type per parameter, in path order",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                list(&params),
                types.len(),
                if types.len() == 1 { "" } else { "s" },
            ),
        )),
        // A struct binds parameters by field name; codegen checks the fields once it has
        // scanned the type (the macro cannot see it).
        PathExtractor::Struct(_) => {}
    }

    let (response, error) = match response_of(&func.sig.output) {
        Ok((response, error, untyped)) => {
            if let (Some(ty), ReturnType::Type(_, whole)) = (untyped, &func.sig.output) {
                unsupported.push(Unsupported {
                    kind: UnsupportedKind::Response,
                    name: last_segment(ty).map_or_else(|| type_text(ty), |s| s.ident.to_string()),
                    ty: type_text(whole),
                    loc: at(syn::spanned::Spanned::span(whole)),
                });
            }
            (response, error)
        }
        Err(e) => {
            errors.push(e);
            (Response::Empty, None)
        }
    };

    if let Some(combined) = combine(errors) {
        return Err(combined);
    }
    Ok(Route {
        name: func.sig.ident.to_string(),
        method: attr.method,
        path: attr.path.clone(),
        docs: docs_of(&func.attrs),
        path_params,
        path_extractor,
        query,
        query_extractor,
        body,
        response,
        error,
        subscribes: attr
            .subscribes
            .iter()
            .filter_map(|p| p.segments.last().map(|s| s.ident.to_string()))
            .collect(),
        loc,
        unsupported,
    })
}

/// Extractors that take nothing the client sends as a path, query or body: state, the
/// socket, connection facts, and headers (which the clients send with `with_header` /
/// `headers`). Any other extractor must be declared by the user before a client is generated.
pub const CLIENT_FREE_EXTRACTORS: &[&str] = &[
    "State",
    "Extension",
    "Socket",
    "Sockets",
    "HeaderMap",
    "ConnectInfo",
    "MatchedPath",
    "OriginalUri",
    "Method",
    "Uri",
    "Version",
    "TypedHeader",
    "Host",
    "CookieJar",
    "PrivateCookieJar",
    "SignedCookieJar",
    "Session",
    "ClientIp",
];

/// The name of an argument's extractor (its last path segment, through `Option` and
/// `Result`), if it is a path type.
fn extractor_name(ty: &Type) -> Option<String> {
    let mut segment = last_segment(ty)?;
    if segment.ident == "Result" || segment.ident == "Option" {
        segment = last_segment(single_type_arg(&segment.arguments)?)?;
    }
    Some(segment.ident.to_string())
}

/// The path of an argument's extractor type as written (`axum::extract::Query`), through
/// `Option` and `Result`.
fn extractor_path(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident == "Result" || last.ident == "Option" {
        return extractor_path(single_type_arg(&last.arguments)?);
    }
    Some(
        path.path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::"),
    )
}

/// A type as source text, for messages.
pub(crate) fn type_text(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
        .replace("& ", "&")
}

/// The success and error types of a return type given as a type (a type alias' target):
/// `(response, error, untyped)` as for a handler's return type.
pub fn response_of_type(ty: &Type) -> syn::Result<(Response, Option<TypeRef>, bool)> {
    let output = ReturnType::Type(Default::default(), Box::new(ty.clone()));
    response_of(&output).map(|(response, error, untyped)| (response, error, untyped.is_some()))
}

/// An error covering the whole of `ty` (first to last token), or the call site.
fn spanned(ty: Option<&Type>, message: String) -> syn::Error {
    match ty {
        Some(ty) => syn::Error::new_spanned(ty, message),
        None => syn::Error::new(Span::call_site(), message),
    }
}

fn list(params: &[&str]) -> String {
    params
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Folds errors into one, so every problem is reported at once.
pub(crate) fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}

/// `Path<T>`, `Query<T>`, `Json<T>` (by last segment, so `axum::Json` works too): the
/// extractor's name and `T`.
fn extractor(ty: &Type) -> Option<(String, &Type)> {
    let mut segment = last_segment(ty)?;
    // `Result<Path<T>, PathRejection>` and `Option<Query<T>>` still extract `T`.
    if segment.ident == "Result" || segment.ident == "Option" {
        segment = last_segment(single_type_arg(&segment.arguments)?)?;
    }
    let name = segment.ident.to_string();
    if !matches!(name.as_str(), "Path" | "Query" | "Json") {
        return None;
    }
    Some((name, single_type_arg(&segment.arguments)?))
}

fn single_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = args else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// What the handler returns: the success body, the error body type, and the success type
/// when the generator cannot type it (it is then `Response::Json(TypeRef::Json)`).
fn response_of(output: &ReturnType) -> syn::Result<(Response, Option<TypeRef>, Option<&Type>)> {
    let ReturnType::Type(_, ty) = output else {
        return Ok((Response::Empty, None, None));
    };
    if let Some(segment) = last_segment(ty)
        && segment.ident == "Result"
        && let PathArguments::AngleBracketed(args) = &segment.arguments
    {
        let mut types = args.args.iter().filter_map(|a| match a {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        });
        if let (Some(ok), Some(err)) = (types.next(), types.next()) {
            let (response, untyped) = success(ok)?;
            let error = match error_body(err) {
                // `StatusCode` (alone, or as the last element): an error without a typed body.
                Some(body) => Some(type_ref(body, &[])?),
                None => None,
            };
            return Ok((response, error, untyped));
        }
    }
    let (response, untyped) = success(ty)?;
    Ok((response, None, untyped))
}

/// The body type inside an error type: `(StatusCode, Json<E>)` and `Json<E>` carry `E`;
/// `StatusCode` and `()` carry none (the answer's status is the whole error), which is axum's
/// most common handler shape, `Result<Json<T>, StatusCode>`.
fn error_body(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Tuple(tuple) => tuple.elems.last().and_then(error_body),
        Type::Paren(p) => error_body(&p.elem),
        _ => match last_segment(ty) {
            Some(segment) if segment.ident == "StatusCode" => None,
            Some(segment) if segment.ident == "Json" => {
                Some(single_type_arg(&segment.arguments).unwrap_or(ty))
            }
            _ => Some(ty),
        },
    }
}

/// A success type: its response, and itself when the generator cannot type it.
fn success(ty: &Type) -> syn::Result<(Response, Option<&Type>)> {
    match ty {
        Type::Tuple(tuple) if tuple.elems.is_empty() => Ok((Response::Empty, None)),
        // `(StatusCode, Json<T>)` and similar: the last element is the body.
        Type::Tuple(tuple) => match tuple.elems.last() {
            Some(last) => success(last),
            None => Ok((Response::Empty, None)),
        },
        Type::Paren(p) => success(&p.elem),
        // `&'static str`: a text body.
        Type::Reference(r) if last_segment(&r.elem).is_some_and(|s| s.ident == "str") => {
            Ok((Response::Json(TypeRef::String), None))
        }
        _ => match last_segment(ty) {
            Some(segment) if segment.ident == "Json" => match single_type_arg(&segment.arguments) {
                Some(inner) => Ok((Response::Json(type_ref(inner, &[])?), None)),
                None => Ok((Response::Json(TypeRef::Json), None)),
            },
            Some(segment) if segment.ident == "StatusCode" => Ok((Response::Empty, None)),
            // A text body reaches both clients as a JSON string.
            Some(segment) if segment.ident == "String" || segment.ident == "Html" => {
                Ok((Response::Json(TypeRef::String), None))
            }
            // `impl IntoResponse`, `Response`, a custom responder, a type alias: the
            // generator cannot know the body; codegen refuses it unless told.
            _ => Ok((Response::Json(TypeRef::Json), Some(ty))),
        },
    }
}
