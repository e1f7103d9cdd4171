//! Doc comments: `///` lines become [`Docs`].

use crate::model::Docs;

/// The `#[doc = "…"]` lines of an item, one leading space removed from each.
pub fn docs_of(attrs: &[syn::Attribute]) -> Docs {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &nv.value
        {
            for line in text.value().lines() {
                lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned());
            }
        }
    }
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    Docs(lines)
}
