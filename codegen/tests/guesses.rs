//! No silent guesses: an extractor, success type or error type the generator cannot type
//! fails the generation with its location and what to write, unless the user declares how to
//! treat it; type aliases of return types are seen through. Errors print as
//! `file:line:col: message` through both `Display` and `Debug`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{mounted, tempdir};

use std::path::PathBuf;

use sailroute_codegen::{Builder, Report};

/// Generates both clients from one source file (every handler mounted), configured by
/// `configure`.
fn generate(
    name: &str,
    source: &str,
    configure: impl FnOnce(Builder) -> Builder,
) -> (Result<Report, sailroute_codegen::Error>, PathBuf) {
    let dir = tempdir(name);
    let file = dir.join("api.rs");
    std::fs::write(&file, mounted(source)).unwrap();
    let builder = sailroute_codegen::configure()
        .scan(&file)
        .out_dir(&dir)
        .rust_client("client.rs")
        .js_client("js")
        .emit_rerun_if_changed(false);
    (configure(builder).compile(), dir)
}

/// The generated Rust client with every run of whitespace made one space, and none inside
/// brackets, so assertions do not depend on line breaks.
fn rust_client(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(dir.join("client.rs")).unwrap();
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(", )", ")")
        .replace("< ", "<")
        .replace(",>", ">")
        .replace(", >", ">")
}

fn error(name: &str, source: &str) -> String {
    let (result, dir) = generate(name, source, |b| b);
    let error = result.expect_err("the generation must fail");
    // Debug reads like Display, so `fn main() -> Result<…>` in build.rs prints it readably.
    assert_eq!(format!("{error:?}"), error.to_string());
    std::fs::remove_dir_all(&dir).ok();
    error.to_string()
}

const TYPES: &str = "#[derive(Serialize, Deserialize)]\npub struct Todo { pub id: u64 }\n";

#[test]
fn an_unknown_return_type_is_an_error_at_its_location() {
    let source =
        format!("{TYPES}#[get(\"/a\")]\nasync fn a() -> impl IntoResponse {{ unreachable!() }}\n");
    let message = error("response", &source);
    assert!(
        message.starts_with(&support::scratch("response").display().to_string()),
        "{message}"
    );
    assert!(message.contains("api.rs:4:17: the return type `impl IntoResponse` of handler `a` does not say what the body is"), "{message}");
    assert!(message.contains(".untyped(\"a\")"), "{message}");
}

#[test]
fn untyped_answers_are_an_explicit_choice() {
    let source = format!(
        "{TYPES}#[get(\"/a\")]\nasync fn a() -> Response {{ unreachable!() }}\n#[get(\"/b\")]\nasync fn b() -> Result<Json<Todo>, AppError> {{ unreachable!() }}\n"
    );
    let message = error("untyped", &source);
    assert!(
        message.contains("handler `a` does not say what the body is"),
        "{message}"
    );
    assert!(
        message.contains("the error type `AppError` of handler `b` is not a scanned serde type"),
        "{message}"
    );
    assert!(message.contains(".untyped(\"AppError\")"), "{message}");
    let (result, dir) = generate("untyped-ok", &source, |b| {
        b.untyped("a").untyped("AppError")
    });
    result.unwrap();
    let rust = rust_client(&dir);
    assert!(
        rust.contains("::sailroute_client::serde_json::Value"),
        "{rust}"
    );
}

#[test]
fn form_and_unknown_extractors_are_refused_with_the_fix() {
    let source = format!(
        "{TYPES}#[post(\"/a\")]\nasync fn a(Form(t): Form<Todo>) -> Json<Todo> {{ unreachable!() }}\n#[get(\"/b\")]\nasync fn b(user: AuthUser, State(s): State<App>, socket: Option<Socket>) -> Json<Todo> {{ unreachable!() }}\n#[post(\"/c\")]\nasync fn c(body: Bytes) -> StatusCode {{ unreachable!() }}\n"
    );
    let message = error("extractors", &source);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert!(
        lines[0].contains(
            "api.rs:4:21: `Form<Todo>` in handler `a`: the generated clients send JSON bodies"
        ),
        "{message}"
    );
    assert!(lines[1].contains("api.rs:6:18: `AuthUser` in handler `b` is an extractor the client generator does not know"), "{message}");
    assert!(
        lines[1].contains(".ignore_extractor(\"AuthUser\")"),
        "{message}"
    );
    assert!(
        lines[2].contains("`Bytes` in handler `c` reads the raw request"),
        "{message}"
    );

    let only_b = format!(
        "{TYPES}#[get(\"/b\")]\nasync fn b(user: AuthUser, State(s): State<App>) -> Json<Todo> {{ unreachable!() }}\n"
    );
    let (result, _) = generate("extractors-ok", &only_b, |b| b.ignore_extractor("AuthUser"));
    result.unwrap();
}

#[test]
fn type_aliases_of_return_types_are_seen_through() {
    let source = format!(
        "{TYPES}#[derive(Serialize, Deserialize)]\npub struct ApiError {{ pub message: String }}\npub type ApiResult<T> = Result<Json<T>, ApiError>;\ntype Todos = ApiResult<Vec<Todo>>;\n#[get(\"/a\")]\nasync fn a() -> ApiResult<Todo> {{ unreachable!() }}\n#[get(\"/b\")]\nasync fn b() -> Todos {{ unreachable!() }}\n"
    );
    let (result, dir) = generate("aliases", &source, |b| b);
    result.unwrap();
    let rust = rust_client(&dir);
    assert!(
        rust.contains(
            "pub async fn a(&self) -> Result<Todo, ::sailroute_client::ClientError<ApiError>>"
        ),
        "{rust}"
    );
    assert!(
        rust.contains(
            "pub async fn b(&self) -> Result<Vec<Todo>, ::sailroute_client::ClientError<ApiError>>"
        ),
        "{rust}"
    );
    let dts = std::fs::read_to_string(dir.join("js/index.d.ts")).unwrap();
    assert!(
        dts.contains("a(options?: CallOptions): Promise<Todo>;"),
        "{dts}"
    );
}

#[test]
fn text_answers_are_strings() {
    let source = "#[get(\"/a\")]\nasync fn a() -> String { unreachable!() }\n#[get(\"/b\")]\nasync fn b() -> &'static str { unreachable!() }\n";
    let (result, dir) = generate("text", source, |b| b);
    result.unwrap();
    let rust = rust_client(&dir);
    assert!(
        rust.contains("pub async fn a(&self) -> Result<String,"),
        "{rust}"
    );
    assert!(
        rust.contains("pub async fn b(&self) -> Result<String,"),
        "{rust}"
    );
}

#[test]
fn a_query_is_flat_and_its_sequences_need_an_extractor_that_reads_repeated_keys() {
    let types = "#[derive(Deserialize)]\npub struct Tags { pub tag: Vec<String>, pub n: Option<u8> }\n#[derive(Deserialize)]\npub struct Inner { pub a: u8 }\n#[derive(Deserialize)]\npub struct Nested { pub inner: Inner, pub m: std::collections::HashMap<String, Vec<u8>>, pub o: Option<Vec<u8>> }\n";
    let axum_query = format!(
        "use axum::extract::Query;\n{types}#[get(\"/a\")]\nasync fn a(Query(q): Query<Tags>) -> StatusCode {{ unreachable!() }}\n"
    );
    let message = error("axum-query", &axum_query);
    assert!(
        message.contains("api.rs:9:10: the query `Tags` of handler `a` has the sequence field `tag` (sent as repeated keys, `?tag=a&tag=b`), and `axum::extract::Query` rejects repeated keys: take `sailroute::Query`"),
        "{message}"
    );
    let unknown_query = format!(
        "{types}#[get(\"/a\")]\nasync fn a(Query(q): Query<Tags>) -> StatusCode {{ unreachable!() }}\n"
    );
    let message = error("unknown-query", &unknown_query);
    assert!(
        message.contains("the generator cannot tell which `Query` `Query` is"),
        "{message}"
    );
    for ok in [
        format!(
            "use sailroute::Query;\n{types}#[get(\"/a\")]\nasync fn a(Query(q): Query<Tags>) -> StatusCode {{ unreachable!() }}\n"
        ),
        format!(
            "{types}#[get(\"/a\")]\nasync fn a(sailroute::Query(q): sailroute::Query<Tags>) -> StatusCode {{ unreachable!() }}\n"
        ),
        format!(
            "use axum_extra::extract::Query;\n{types}#[get(\"/a\")]\nasync fn a(Query(q): Query<Tags>) -> StatusCode {{ unreachable!() }}\n"
        ),
    ] {
        let (result, _) = generate("good-query", &ok, |b| b);
        result.unwrap();
    }
    let nested = format!(
        "use sailroute::Query;\n{types}#[get(\"/a\")]\nasync fn a(Query(q): Query<Nested>) -> StatusCode {{ unreachable!() }}\n"
    );
    let message = error("nested-query", &nested);
    for what in [
        "the field `inner` of the query `Nested` (handler `a`) is a struct or an enum with data",
        "the field `m` of the query `Nested` (handler `a`) is a map",
        "the field `o` of the query `Nested` (handler `a`) is an optional sequence",
    ] {
        assert!(message.contains(what), "{what}: {message}");
    }
}

#[test]
fn types_from_elsewhere_are_scanned_or_mapped_for_both_clients() {
    let source = "#[derive(Serialize, Deserialize)]\npub struct Pet {\n    pub name: String,\n    pub owner: shared::Owner,\n}\n#[get(\"/pet\")]\nasync fn pet() -> Json<Pet> { unreachable!() }\n";
    let message = error("extern-unknown", source);
    assert!(
        message.contains("api.rs:4:5: unknown type `Owner` (used by the field `owner` of `Pet`)"),
        "{message}"
    );
    assert!(
        message.contains(".scan(\"../shared/src\")") && message.contains(".extern_type(\"Owner\""),
        "{message}"
    );

    // Mapped for both clients.
    let (result, dir) = generate("extern-both", source, |b| {
        b.extern_type("Owner", "shared::Owner", "{ id: number; name: string }")
    });
    result.unwrap();
    let rust = rust_client(&dir);
    assert!(rust.contains("pub owner: shared::Owner,"), "{rust}");
    let dts = std::fs::read_to_string(dir.join("js/index.d.ts")).unwrap();
    assert!(
        dts.contains("export type Owner = { id: number; name: string };"),
        "{dts}"
    );

    // Mapped for Rust only while a JS client is generated: refused, saying what to add.
    let (result, _) = generate("extern-rust-only", source, |b| {
        b.map_type("Owner", "shared::Owner")
    });
    let message = result.unwrap_err().to_string();
    assert!(message.contains(".ts_type(\"Owner\""), "{message}");

    // Or the sibling crate's source is scanned.
    let dir = tempdir("extern-scan");
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::fs::write(
        dir.join("shared/lib.rs"),
        "#[derive(Serialize, Deserialize)]\npub struct Owner { pub id: u64 }\n",
    )
    .unwrap();
    std::fs::write(dir.join("api.rs"), mounted(source)).unwrap();
    sailroute_codegen::configure()
        .scan(dir.join("api.rs"))
        .scan(dir.join("shared"))
        .out_dir(&dir)
        .rust_client("client.rs")
        .js_client("js")
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap();
    assert!(rust_client(&dir).contains("pub struct Owner { pub id: u64, }"));
}

#[test]
fn handler_names_the_clients_use_themselves_are_refused_and_keywords_renamed() {
    let source = "#[get(\"/a\")]\nasync fn connect() -> StatusCode { unreachable!() }\n#[get(\"/b\")]\nasync fn forget_subscriptions() -> StatusCode { unreachable!() }\n";
    let message = error("collide", source);
    assert!(
        message.contains("api.rs:2:10: the handler `connect` would be the Rust client's method `connect`, which the client has of its own: rename the handler"),
        "{message}"
    );
    let js_only =
        "#[get(\"/b\")]\nasync fn forget_subscriptions() -> StatusCode { unreachable!() }\n";
    let dir = tempdir("collide-js-only");
    std::fs::write(dir.join("api.rs"), mounted(js_only)).unwrap();
    let message = sailroute_codegen::configure()
        .scan(dir.join("api.rs"))
        .out_dir(&dir)
        .js_client("js")
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("would be the JavaScript client's method `forgetSubscriptions`"),
        "{message}"
    );

    // Keywords: a raw identifier in Rust, a trailing `_` for a JavaScript parameter.
    let keywords = "#[get(\"/types/:class/:type\")]\nasync fn r#type(Path((class, ty)): Path<(String, String)>) -> StatusCode { unreachable!() }\n";
    let (result, dir) = generate("keywords", keywords, |b| b);
    result.unwrap();
    assert!(rust_client(&dir).contains("pub async fn r#type(&self, class: &str, r#type: &str)"));
    let js = std::fs::read_to_string(dir.join("js/index.js")).unwrap();
    assert!(js.contains("async type(class_, type, options)"), "{js}");
}

/// Issue 22: axum's most common shape, `Result<Json<T>, StatusCode>`, generates (the status
/// is the whole error: no typed body), and an error body that is not a struct is kept typed,
/// never dropped to untyped JSON.
#[test]
fn status_code_errors_have_no_body_and_other_error_bodies_stay_typed() {
    let source = format!(
        "{TYPES}
#[get(\"/a\")]
async fn status_only() -> Result<Json<Todo>, StatusCode> {{ unreachable!() }}
#[get(\"/b\")]
async fn status_and_list() -> Result<Json<Todo>, (StatusCode, Json<Vec<String>>)> {{ unreachable!() }}
#[get(\"/c\")]
async fn status_and_text() -> Result<StatusCode, (StatusCode, String)> {{ unreachable!() }}
#[get(\"/d\")]
async fn status_and_todo() -> Result<Json<Todo>, (StatusCode, Json<Todo>)> {{ unreachable!() }}
"
    );
    let (result, dir) = generate("status-errors", &source, |b| b);
    result.expect("generated");
    let client = rust_client(&dir);
    for (method, ok, err) in [
        (
            "status_only",
            "Todo",
            "::sailroute_client::serde_json::Value",
        ),
        ("status_and_list", "Todo", "Vec<String>"),
        ("status_and_text", "()", "String"),
        ("status_and_todo", "Todo", "Todo"),
    ] {
        let signature = format!(
            "pub async fn {method}(&self) -> Result<{ok}, ::sailroute_client::ClientError<{err}>>"
        );
        assert!(client.contains(&signature), "{signature}\n{client}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 22: whether a query may be left out is answered once (`Api::reads_absent`): a field
/// serde may skip when *writing* is still required when the server *reads* it, so the
/// TypeScript signature needs the query, as the compatibility check says.
#[test]
fn a_query_may_be_omitted_only_when_the_server_reads_it_absent() {
    let source = "
#[derive(Serialize, Deserialize)]
pub struct Skippable { #[serde(skip_serializing_if = \"String::is_empty\")] pub name: String }
#[derive(Serialize, Deserialize)]
pub struct Defaulted { #[serde(default)] pub name: String }
#[get(\"/a\")]
async fn needs(Query(q): Query<Skippable>) -> StatusCode { unreachable!() }
#[get(\"/b\")]
async fn optional(Query(q): Query<Defaulted>) -> StatusCode { unreachable!() }
";
    let (result, dir) = generate("query-omission", source, |b| b);
    result.expect("generated");
    let dts = std::fs::read_to_string(dir.join("js/index.d.ts")).unwrap();
    assert!(dts.contains("needs(query: Skippable"), "{dts}");
    assert!(dts.contains("optional(query?: Defaulted"), "{dts}");
    std::fs::remove_dir_all(&dir).ok();
}
