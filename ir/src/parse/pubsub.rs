//! `#[event("name")]` and `#[resource("identity", id = T)]` on serde types.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Type};

/// Event names the protocol or the clients already use for themselves.
const RESERVED_EVENTS: &[&str] = &[
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "error",
    "newListener",
    "removeListener",
    "reconnect",
    "reconnect_attempt",
    "reconnect_error",
    "reconnect_failed",
    "ping",
    "pong",
    "sails:parseError",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "options",
    "head",
];

/// A parsed `#[event("name")]`.
#[derive(Debug, Clone)]
pub struct EventAttr {
    /// The event name.
    pub name: LitStr,
}

/// A parsed `#[resource("identity", id = T)]`.
#[derive(Debug, Clone)]
pub struct ResourceAttr {
    /// The identity.
    pub identity: LitStr,
    /// The primary key type (`u64` when not given).
    pub id: Option<Type>,
}

mod kw {
    syn::custom_keyword!(id);
}

impl Parse for EventAttr {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error("missing event name: write `#[event(\"message\")]`"));
        }
        let name: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "the event name is a string literal, like `#[event(\"message\")]`",
            )
        })?;
        let value = name.value();
        if value.trim().is_empty() {
            return Err(syn::Error::new(
                name.span(),
                "the event name must not be empty",
            ));
        }
        if RESERVED_EVENTS.contains(&value.as_str()) {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "`{value}` is an event name Socket.IO or Sails uses for itself: choose another, like `\"app:{value}\"`"
                ),
            ));
        }
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            if !input.is_empty() {
                return Err(input.error("an event attribute takes only the event name"));
            }
        }
        Ok(EventAttr { name })
    }
}

impl Parse for ResourceAttr {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error("missing identity: write `#[resource(\"pet\")]`"));
        }
        let identity: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "the identity is a string literal, like `#[resource(\"pet\")]`",
            )
        })?;
        let value = identity.value();
        if value.is_empty()
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(syn::Error::new(
                identity.span(),
                "an identity is a model name of letters, digits, `_` and `-`, like `\"pet\"` (it becomes the event name and part of room names)",
            ));
        }
        let mut id = None;
        while !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if !input.peek(kw::id) {
                return Err(input.error("a resource attribute takes the identity and optionally `id = Type` (the primary key, `u64` by default)"));
            }
            input.parse::<kw::id>()?;
            input.parse::<syn::Token![=]>()?;
            id = Some(input.parse()?);
        }
        Ok(ResourceAttr { identity, id })
    }
}

/// Parses the arguments of `#[event(...)]`.
pub fn event_attr(args: TokenStream) -> syn::Result<EventAttr> {
    syn::parse2(args)
}

/// Parses the arguments of `#[resource(...)]`.
pub fn resource_attr(args: TokenStream) -> syn::Result<ResourceAttr> {
    syn::parse2(args)
}

/// The attribute named `name` (by last path segment: `event` or `sailroute::event`).
pub fn find_attr<'a>(attrs: &'a [syn::Attribute], name: &str) -> Option<&'a syn::Attribute> {
    attrs
        .iter()
        .find(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
}

/// An attribute's argument tokens.
pub fn attr_tokens(attr: &syn::Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    }
}
