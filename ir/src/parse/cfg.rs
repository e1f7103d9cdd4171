//! `cfg` attributes, evaluated for the server build the clients describe.

use std::collections::BTreeMap;

/// Which `cfg` predicates hold for the server build the clients describe. `test` never
/// holds; a `feature` holds when declared on, fails when declared off, and is an error on a
/// route otherwise (the generator cannot know the server's features); other predicates
/// (`unix`, `target_os`, `debug_assertions`, …) are taken to hold.
#[derive(Debug, Clone, Default)]
pub struct Cfg {
    /// Declared features: `true` for on, `false` for off.
    pub features: BTreeMap<String, bool>,
}

/// What a `cfg` predicate evaluates to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CfgValue {
    On,
    Off,
    /// Depends on this undeclared feature.
    Unknown(String),
}

impl Cfg {
    fn eval(&self, meta: &syn::Meta) -> CfgValue {
        match meta {
            syn::Meta::Path(path) if path.is_ident("test") => CfgValue::Off,
            syn::Meta::Path(_) => CfgValue::On,
            syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }) => match self.features.get(&name.value()) {
                    Some(true) => CfgValue::On,
                    Some(false) => CfgValue::Off,
                    None => CfgValue::Unknown(name.value()),
                },
                _ => CfgValue::On,
            },
            syn::Meta::NameValue(_) => CfgValue::On,
            syn::Meta::List(list) => {
                let Ok(inner) = list.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                ) else {
                    return CfgValue::On;
                };
                let values: Vec<CfgValue> = inner.iter().map(|m| self.eval(m)).collect();
                let unknown = values.iter().find_map(|v| match v {
                    CfgValue::Unknown(f) => Some(CfgValue::Unknown(f.clone())),
                    _ => None,
                });
                if list.path.is_ident("not") {
                    match values.first() {
                        Some(CfgValue::On) => CfgValue::Off,
                        Some(CfgValue::Off) => CfgValue::On,
                        Some(other) => other.clone(),
                        None => CfgValue::On,
                    }
                } else if list.path.is_ident("all") {
                    if values.contains(&CfgValue::Off) {
                        CfgValue::Off
                    } else {
                        unknown.unwrap_or(CfgValue::On)
                    }
                } else if list.path.is_ident("any") {
                    if values.contains(&CfgValue::On) {
                        CfgValue::On
                    } else {
                        unknown.unwrap_or(CfgValue::Off)
                    }
                } else {
                    CfgValue::On
                }
            }
        }
    }

    /// Whether an item with these attributes is compiled: its `cfg`s combined with `all`.
    pub(super) fn item(&self, attrs: &[syn::Attribute]) -> CfgValue {
        let mut result = CfgValue::On;
        for attr in attrs {
            if !attr.path().is_ident("cfg") {
                continue;
            }
            let Ok(meta) = attr.parse_args::<syn::Meta>() else {
                continue;
            };
            match self.eval(&meta) {
                CfgValue::Off => return CfgValue::Off,
                CfgValue::Unknown(f) => result = CfgValue::Unknown(f),
                CfgValue::On => {}
            }
        }
        result
    }
}
