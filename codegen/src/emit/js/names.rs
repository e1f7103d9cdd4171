//! Names the JavaScript client keeps for itself, and JavaScript's reserved words.

use super::*;

/// Words a JavaScript parameter cannot be named (strict mode, ES modules).
pub(super) const JS_RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    // The client's own names, which a parameter would shadow.
    "options",
    "call",
    "segment",
    "rest",
];

/// A path parameter's name in JavaScript: camelCase, with `_` after a reserved word
/// (`:class` → `class_`).
pub(super) fn js_param(name: &str) -> String {
    let name = camel(name);
    if JS_RESERVED.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The JavaScript client's own methods, which a route's method cannot be.
pub(crate) const JS_CLIENT_METHODS: &[&str] = &[
    "on",
    "connectionState",
    "onConnectionState",
    "onResubscribeError",
    "forgetSubscriptions",
];

/// Names the generated module declares itself.
pub(super) const RESERVED: &[&str] = &[
    "ClientError",
    "Client",
    "ClientOptions",
    "CallOptions",
    "SocketLike",
    "createClient",
    "DEFAULT_TIMEOUT_MS",
    "ConnectionState",
    "CONTRACT",
    "CONTRACT_QUERY",
    // The runtime's helpers the generated module imports.
    "createRuntime",
    "routeError",
    "segment",
    "rest",
];
