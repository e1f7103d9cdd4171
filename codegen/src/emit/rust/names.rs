//! Rust spellings: identifiers, literals, doc attributes, and the layout of the file.

/// prettyplease puts items and methods back to back; a blank line after each closing
/// brace at item level makes the file read like hand-written code.
pub(super) fn spaced(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let closes = p.trim() == "}" || p.trim_end().ends_with(';') && indent(p) == 0;
            let opens_item = !line.trim().is_empty()
                && !line.trim_start().starts_with('}')
                && !line.trim_start().starts_with(')');
            if closes && opens_item && indent(p) == indent(line) && indent(line) <= 4 {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// An event name as a method-name suffix: `chat:typing` -> `chat_typing`.
pub(super) fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "event".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A Rust string literal (with escapes) for `text`.
pub(super) fn lit(text: &str) -> String {
    format!("{text:?}")
}

pub(super) fn doc_attrs(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| format!("#[doc = {}]", lit(&format!(" {l}"))))
        .collect()
}

/// The Rust client's own methods (an event's or resource's `on_<name>` listener too).
pub(super) const RUST_CLIENT_METHODS: &[&str] = &[
    "connect",
    "http",
    "from_raw",
    "raw",
    "with_timeout",
    "with_header",
    "state",
];

pub(super) const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

pub(super) fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}
