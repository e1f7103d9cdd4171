//! Rustdoc intra-doc links (``[`list_todos`]``, `[Todo]`) rewritten for each client: a
//! route's name becomes that client's method, a type stays a type, and a link that cannot
//! resolve in the client becomes plain code instead of a broken link.

use std::collections::BTreeSet;

use sailroute_ir::model::{Api, Docs, Shape, VariantShape};

/// Which client the docs are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Rust,
    TypeScript,
}

/// `api` with every doc comment's intra-doc links rewritten for `lang`.
pub(crate) fn rewrite(api: &Api, lang: Lang) -> Api {
    let routes: BTreeSet<String> = api.routes.iter().map(|r| r.name.clone()).collect();
    let types: BTreeSet<String> = api.types.keys().cloned().collect();
    let target = |name: &str| -> Option<String> {
        if routes.contains(name) {
            Some(match lang {
                Lang::Rust => format!("[`{name}`](Client::{name})"),
                Lang::TypeScript => {
                    let method = super::camel(name);
                    format!("{{@link Client.{method} | `{method}`}}")
                }
            })
        } else if types.contains(name) {
            Some(match lang {
                Lang::Rust => format!("[`{name}`]"),
                Lang::TypeScript => format!("{{@link {name} | `{name}`}}"),
            })
        } else {
            None
        }
    };
    let fix = |docs: &mut Docs| {
        for line in &mut docs.0 {
            *line = rewrite_line(line, &target);
        }
    };
    let mut api = api.clone();
    for route in &mut api.routes {
        fix(&mut route.docs);
    }
    for def in api.types.values_mut() {
        fix(&mut def.docs);
        match &mut def.shape {
            Shape::Struct(fields) => fields.iter_mut().for_each(|f| fix(&mut f.docs)),
            Shape::Enum { variants, .. } => {
                for variant in variants {
                    fix(&mut variant.docs);
                    if let VariantShape::Struct(fields) = &mut variant.shape {
                        fields.iter_mut().for_each(|f| fix(&mut f.docs));
                    }
                }
            }
            _ => {}
        }
    }
    api
}

/// Rewrites the shortcut links of one line: ``[`x`]`` and `[x]` not followed by `(` or `[`
/// (those are ordinary Markdown links) and not link definitions (`[x]: …`).
fn rewrite_line(line: &str, target: &impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let tail = &after[close + 1..];
        let is_shortcut =
            !tail.starts_with('(') && !tail.starts_with('[') && !tail.starts_with(':');
        let name = inner.trim_matches('`');
        let is_path = !name.is_empty()
            && !inner.contains('[')
            && name.chars().all(|c| {
                c.is_alphanumeric() || c == '_' || c == ':' || c == '!' || c == '(' || c == ')'
            });
        if is_shortcut && is_path {
            // `Todo::title`, `crate::x`, `list_todos()`: the last plain segment names it.
            let key = name
                .trim_end_matches("()")
                .trim_end_matches('!')
                .rsplit("::")
                .next()
                .unwrap_or(name);
            let simple = !name.contains("::");
            match target(key) {
                Some(link) if simple => out.push_str(&link),
                _ => {
                    out.push('`');
                    out.push_str(name);
                    out.push('`');
                }
            }
        } else {
            out.push('[');
            out.push_str(inner);
            out.push(']');
            // `[text][label]`: the label is part of this link, not a link of its own.
            if let Some(label) = tail.strip_prefix('[')
                && let Some(end) = label.find(']')
            {
                out.push('[');
                out.push_str(&label[..=end]);
                rest = &label[end + 1..];
                continue;
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::rewrite_line;

    fn target(name: &str) -> Option<String> {
        (name == "list_todos" || name == "Todo").then(|| format!("<{name}>"))
    }

    #[test]
    fn shortcut_links_resolve_or_become_code() {
        let cases = [
            ("See [`list_todos`].", "See <list_todos>."),
            ("A [Todo] here", "A <Todo> here"),
            ("[`Missing`] and [`crate::x`]", "`Missing` and `crate::x`"),
            ("[`Todo::title`]", "`Todo::title`"),
            (
                "a [link](https://x.example) stays",
                "a [link](https://x.example) stays",
            ),
            ("[ref][other] stays", "[ref][other] stays"),
            ("[x]: https://x.example", "[x]: https://x.example"),
            ("[an array of] words", "[an array of] words"),
            ("unclosed [ bracket", "unclosed [ bracket"),
            ("`[not a link]` in code", "`[not a link]` in code"),
        ];
        for (line, want) in cases {
            assert_eq!(rewrite_line(line, &target), want, "{line}");
        }
    }
}
