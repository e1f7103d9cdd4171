//! A field's `#[garde(...)]` attributes to [`Rules`]: the rules garde enforces on the server,
//! kept where a JSON Schema keyword says the same thing, refused with the rule to write
//! instead where none does (the clients would check something else than the server).

use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::model::TypeRef;
use crate::rules::{Check, Rules};

/// What a field's value is, for the rules that depend on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    List,
    Map,
    Other,
}

fn kind_of(ty: &TypeRef) -> Kind {
    match ty {
        // garde applies a field's rules to the value inside an `Option`.
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => kind_of(inner),
        TypeRef::String => Kind::Text,
        TypeRef::Int(_) | TypeRef::Float => Kind::Number,
        TypeRef::List(_) => Kind::List,
        TypeRef::Map(_) => Kind::Map,
        _ => Kind::Other,
    }
}

/// The items of a list field, for `inner(...)`. garde applies `inner` on an `Option` to the
/// value inside (the list itself, not its items), so only a plain list qualifies; items that
/// are `Option`s have no rule form the clients share.
fn item_of(ty: &TypeRef) -> Option<&TypeRef> {
    match ty {
        TypeRef::Boxed(inner) => item_of(inner),
        TypeRef::List(item) if !matches!(**item, TypeRef::Option(_)) => Some(item),
        _ => None,
    }
}

/// Whether an item derives `garde::Validate` (`Validate` or `garde::Validate`).
pub fn derives_validate(attrs: &[syn::Attribute]) -> bool {
    super::types::derived(attrs).iter().any(|p| {
        p.segments.last().is_some_and(|s| s.ident == "Validate")
            && (p.segments.len() == 1 || p.segments.first().is_some_and(|s| s.ident == "garde"))
    })
}

/// The rules of a field of type `ty` from its attributes.
pub(crate) fn field_rules(attrs: &[syn::Attribute], ty: &TypeRef) -> syn::Result<Rules> {
    let mut rules = Rules::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("garde")) {
        attr.parse_nested_meta(|meta| {
            let name = ident(&meta)?;
            match name.as_str() {
                "skip" => Ok(()),
                "dive" => {
                    skip_args(&meta)?;
                    rules.dive = true;
                    Ok(())
                }
                // No rule of the value. (garde 0.23 parses `rename` but its errors keep the
                // Rust name, as the clients do.)
                "adapt" | "code" | "rename" => skip_args(&meta),
                "inner" => {
                    let Some(item) = item_of(ty) else {
                        return Err(meta.error(
                            "the client generator reads `inner(...)` on a plain list field only (`Vec<T>`, with items that are not `Option`s): garde applies `inner` on an `Option<Vec<T>>` to the list itself, so write that rule without `inner`, or put the rule on the item type",
                        ));
                    };
                    meta.parse_nested_meta(|inner| {
                        let name = ident(&inner)?;
                        if name == "dive" {
                            return skip_args(&inner);
                        }
                        let check = check(&inner, &name, kind_of(item))?;
                        rules.inner.push(check);
                        Ok(())
                    })
                }
                _ => {
                    let check = check(&meta, &name, kind_of(ty))?;
                    rules.checks.push(check);
                    Ok(())
                }
            }
        })?;
    }
    Ok(rules)
}

/// Consumes a rule's `(...)` arguments, if any.
fn skip_args(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    }
    Ok(())
}

fn ident(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .ok_or_else(|| meta.error("expected a garde rule name, like `length` or `range`"))
}

/// One rule on a value of kind `kind`.
fn check(meta: &ParseNestedMeta<'_>, name: &str, kind: Kind) -> syn::Result<Check> {
    match name {
        "length" => length(meta, kind),
        "range" => {
            if kind != Kind::Number {
                return Err(meta.error(
                    "`range` bounds a number: use it on an integer or float field (`length` counts a string's characters)",
                ));
            }
            let mut min = None;
            let mut max = None;
            meta.parse_nested_meta(|bound| {
                let value = number(&bound)?;
                if bound.path.is_ident("min") {
                    min = Some(value);
                } else if bound.path.is_ident("max") {
                    max = Some(value);
                } else if bound.path.is_ident("equal") {
                    min = Some(value.clone());
                    max = Some(value);
                } else {
                    return Err(bound.error("`range` takes `min = …`, `max = …` or `equal = …`"));
                }
                Ok(())
            })?;
            Ok(Check::Range { min, max })
        }
        "pattern" => {
            if kind != Kind::Text {
                return Err(meta.error("`pattern` matches a string: use it on a `String` field"));
            }
            let content;
            syn::parenthesized!(content in meta.input);
            let lit: syn::LitStr = content.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "the client generator reads a pattern written as a string literal only, like `pattern(r\"^[a-z]+$\")`: a regex in a static cannot reach the clients' schemas",
                )
            })?;
            Ok(Check::Pattern(lit.value()))
        }
        "email" | "url" => {
            if kind != Kind::Text {
                return Err(meta.error(format!("`{name}` checks a string: use it on a `String` field")));
            }
            Ok(if name == "email" { Check::Email } else { Check::Url })
        }
        "custom" => {
            // What `custom(path)` checks is the server's business.
            skip_args(meta)?;
            Ok(Check::Custom)
        }
        "ascii" => Err(meta.error(
            "`ascii` has no JSON Schema keyword the clients could check: write `pattern(r\"^[\\x00-\\x7F]*$\")`",
        )),
        "alphanumeric" => Err(meta.error(
            "`alphanumeric` has no JSON Schema keyword the clients could check: write `pattern(r\"^[\\p{L}\\p{N}]*$\")` or `pattern(r\"^[a-zA-Z0-9]*$\")`",
        )),
        "contains" | "prefix" | "suffix" => Err(meta.error(format!(
            "`{name}` has no JSON Schema keyword the clients could check: write it as a `pattern(...)` (`contains(\"x\")` is `pattern(\"x\")`, `prefix(\"x\")` is `pattern(\"^x\")`, `suffix(\"x\")` is `pattern(\"x$\")`)"
        ))),
        "required" => Err(meta.error(
            "`required` makes an `Option` field mandatory, which its schema cannot say: make the field a plain `T` instead of `Option<T>`",
        )),
        other => Err(meta.error(format!(
            "the client generator cannot describe garde's `{other}` to clients: use `length`, `range`, `pattern`, `email`, `url`, `inner`, `dive`, or `custom(...)` (checked by the server only)"
        ))),
    }
}

/// `length(...)`: on a string, in characters (garde's `chars` mode), as JSON Schema counts.
fn length(meta: &ParseNestedMeta<'_>, kind: Kind) -> syn::Result<Check> {
    let mut min = None;
    let mut max = None;
    let mut mode = None;
    meta.parse_nested_meta(|arg| {
        let name = ident(&arg)?;
        match name.as_str() {
            "min" => min = Some(count(&arg)?),
            "max" => max = Some(count(&arg)?),
            "equal" => {
                let n = count(&arg)?;
                min = Some(n);
                max = Some(n);
            }
            "simple" | "bytes" | "chars" | "graphemes" | "utf16" => mode = Some(name),
            _ => {
                return Err(arg.error(
                    "`length` takes a mode (`chars`) and `min = …`, `max = …` or `equal = …`",
                ));
            }
        }
        Ok(())
    })?;
    match kind {
        Kind::Text => {
            let mode = mode.as_deref().unwrap_or("simple");
            // Bytes and characters agree on whether a string is empty, and on nothing else.
            let empty_only = max.is_none() && min.is_none_or(|m| m <= 1);
            if mode != "chars" && !(empty_only && matches!(mode, "simple" | "bytes")) {
                return Err(meta.error(format!(
                    "garde counts `length` on a string in {}, JSON Schema and the clients in characters: write `length(chars, …)`",
                    if mode == "simple" { "bytes by default" } else { mode }
                )));
            }
        }
        Kind::List | Kind::Map => {
            if let Some(mode) = mode.filter(|m| m != "simple") {
                return Err(meta.error(format!(
                    "`length({mode}, …)` counts text: on a list or a map, write `length(min = …, max = …)`"
                )));
            }
        }
        Kind::Number | Kind::Other => {
            return Err(meta.error(
                "`length` counts a string's characters or a list's items: use `range` on a number",
            ));
        }
    }
    Ok(Check::Length { min, max })
}

fn count(arg: &ParseNestedMeta<'_>) -> syn::Result<u64> {
    let expr: syn::Expr = arg.value()?.parse()?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) => n.base10_parse(),
        _ => Err(syn::Error::new(
            expr.span(),
            "the client generator reads a length written as an integer literal only, like `min = 1`",
        )),
    }
}

fn number(arg: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let expr: syn::Expr = arg.value()?.parse()?;
    let (negative, lit) = match &expr {
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => (true, expr.as_ref()),
        other => (false, other),
    };
    let digits = match lit {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) => n.base10_digits().to_owned(),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_digits().to_owned(),
        _ => {
            return Err(syn::Error::new(
                expr.span(),
                "the client generator reads a bound written as a number literal only, like `min = 0` or `max = 2.5`",
            ));
        }
    };
    Ok(if negative {
        format!("-{digits}")
    } else {
        digits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(field: &str, ty: TypeRef) -> syn::Result<Rules> {
        let field: syn::Field = syn::parse::Parser::parse_str(syn::Field::parse_named, field)?;
        field_rules(&field.attrs, &ty)
    }

    #[test]
    fn reads_the_rules_with_a_schema_form() {
        let r = rules(
            r#"#[garde(length(chars, min = 1, max = 200), pattern(r"\S"))] title: String"#,
            TypeRef::String,
        )
        .expect("valid");
        assert_eq!(
            r.checks,
            [
                Check::Length {
                    min: Some(1),
                    max: Some(200)
                },
                Check::Pattern(r"\S".to_owned())
            ]
        );
        let r = rules(
            "#[garde(range(min = -5, max = 2.5))] x: f64",
            TypeRef::Float,
        )
        .expect("valid");
        assert_eq!(
            r.checks,
            [Check::Range {
                min: Some("-5".to_owned()),
                max: Some("2.5".to_owned())
            }]
        );
        let list = TypeRef::List(Box::new(TypeRef::String));
        let r = rules(
            "#[garde(length(max = 10), inner(length(chars, max = 20)))] tags: Vec<String>",
            list,
        )
        .expect("valid");
        assert_eq!(r.inner.len(), 1);
        let r = rules(
            "#[garde(length(min = 1))] s: Option<String>",
            TypeRef::String,
        )
        .expect("non-empty is the same in bytes and characters");
        assert_eq!(r.checks.len(), 1);
    }

    #[test]
    fn refuses_rules_the_clients_would_read_differently_with_the_fix() {
        let e = rules("#[garde(length(max = 5))] s: String", TypeRef::String).expect_err("bytes");
        assert!(e.to_string().contains("length(chars"), "{e}");
        let e = rules("#[garde(ascii)] s: String", TypeRef::String).expect_err("ascii");
        assert!(e.to_string().contains("pattern("), "{e}");
        let e = rules("#[garde(pattern(RE))] s: String", TypeRef::String).expect_err("static");
        assert!(e.to_string().contains("string literal"), "{e}");
        let e = rules("#[garde(range(min = 1))] s: String", TypeRef::String).expect_err("range");
        assert!(e.to_string().contains("number"), "{e}");
        let e = rules(
            "#[garde(range(min = LOW))] n: u8",
            TypeRef::Int(crate::model::IntKind::U8),
        )
        .expect_err("const");
        assert!(e.to_string().contains("literal"), "{e}");
    }
}
