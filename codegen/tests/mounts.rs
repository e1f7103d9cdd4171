//! Only what is mounted, at the path where it is mounted: `routes![…]` under `.nest(…)` (in
//! one function, through local variables, calls of other functions, modules and consts), the
//! unmounted and `cfg(test)` handlers left out, features declared or refused.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::tempdir;

use std::path::PathBuf;

use sailroute_codegen::{Builder, Error, Report};

/// Writes `files` (name, source) into a fresh directory and generates both clients from it.
fn generate(
    name: &str,
    files: &[(&str, &str)],
    configure: impl FnOnce(Builder) -> Builder,
) -> (Result<Report, Error>, PathBuf) {
    let dir = tempdir(name);
    let src = dir.join("src");
    for (file, source) in files {
        let path = src.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, source).unwrap();
    }
    let builder = sailroute_codegen::configure()
        .scan(&src)
        .out_dir(&dir)
        .rust_client("client.rs")
        .js_client("js")
        .emit_rerun_if_changed(false);
    (configure(builder).compile(), dir)
}

/// The JS client's `call("METHOD", `path`…)` lines: every route's method and path.
fn js_paths(dir: &std::path::Path) -> Vec<String> {
    let js = std::fs::read_to_string(dir.join("js/index.js")).unwrap();
    let mut paths: Vec<String> = js
        .lines()
        .filter_map(|l| l.trim().strip_prefix("return call(\""))
        .map(|l| {
            // `return call("name", "GET", () => `/path`, …`
            let (_, rest) = l.split_once("\", \"").unwrap();
            let (method, rest) = rest.split_once("\", () => `").unwrap();
            format!("{method} {}", rest.split('`').next().unwrap())
        })
        .collect();
    paths.sort();
    paths
}

const HANDLERS: &str = r#"
#[get("/todos")]
async fn list() -> Json<Vec<u32>> { unreachable!() }
#[get("/todos/:id")]
async fn one(Path(id): Path<u32>) -> Json<u32> { unreachable!() }
#[get("/")]
async fn root() -> StatusCode { unreachable!() }
#[post("/never")]
async fn never_mounted() -> StatusCode { unreachable!() }
#[cfg(test)]
#[get("/test-only")]
async fn test_only() -> StatusCode { unreachable!() }
#[cfg(test)]
mod tests {
    #[get("/in-tests")]
    async fn in_tests() -> StatusCode { unreachable!() }
    fn router() { let _ = routes![in_tests, test_only]; }
}
"#;

#[test]
fn nest_prefixes_are_followed_and_unmounted_handlers_left_out_with_a_warning() {
    let main = r#"
fn main() {
    let api = routes![list, one];
    let app = Router::new().nest("/api", api).merge(routes![root]);
    serve(app);
}
"#;
    let (result, dir) = generate("nest", &[("api.rs", HANDLERS), ("main.rs", main)], |b| b);
    let report = result.unwrap();
    assert_eq!(
        js_paths(&dir),
        [
            "GET /",
            "GET /api/todos",
            "GET /api/todos/${segment(\"GET\", \"id\", id)}"
        ]
    );
    assert_eq!(report.routes, 3);
    assert_eq!(report.unmounted.len(), 1, "{:?}", report.unmounted);
    assert!(
        report.unmounted[0].contains("api.rs:9:10: the handler `never_mounted` has a route attribute but no scanned `routes![…]` mounts it"),
        "{:?}",
        report.unmounted
    );
    let rust = std::fs::read_to_string(dir.join("client.rs")).unwrap();
    assert!(rust.contains("\"/api/todos\""), "{rust}");
    assert!(!rust.contains("never_mounted") && !rust.contains("test_only"));
}

#[test]
fn routers_from_other_functions_and_modules_nest_inside_nests() {
    let users = r#"
#[get("/")]
async fn list_users() -> StatusCode { unreachable!() }
pub fn router() -> Router { routes![list_users] }
"#;
    let posts = r#"
#[get("/:id")]
async fn post(Path(id): Path<u32>) -> StatusCode { unreachable!() }
pub fn router() -> Router { routes![post] }
"#;
    let lib = r#"
const V1: &str = "/v1";
pub fn api() -> Router {
    Router::new()
        .nest("/users", users::router())
        .nest("/posts", posts::router())
}
pub fn app() -> Router {
    Router::new().nest("/api", Router::new().nest(V1, api()))
}
"#;
    let (result, dir) = generate(
        "modules",
        &[
            ("users.rs", users),
            ("posts/mod.rs", posts),
            ("lib.rs", lib),
        ],
        |b| b,
    );
    result.unwrap();
    assert_eq!(
        js_paths(&dir),
        [
            "GET /api/v1/posts/${segment(\"GET\", \"id\", id)}",
            "GET /api/v1/users"
        ]
    );
}

#[test]
fn what_cannot_be_followed_is_an_error_with_the_fix() {
    let lib = r#"
#[get("/a")]
async fn a() -> StatusCode { unreachable!() }
pub fn app(prefix: String) -> Router {
    Router::new().nest(&format!("/{prefix}"), routes![a])
}
"#;
    let (result, _) = generate("dynamic", &[("lib.rs", lib)], |b| b);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("lib.rs:5:25: the client generator cannot follow this nest prefix"),
        "{message}"
    );

    let twice = r#"
#[get("/a")]
async fn a() -> StatusCode { unreachable!() }
pub fn app() -> Router {
    Router::new().nest("/x", routes![a]).nest("/y", routes![a])
}
"#;
    let (result, _) = generate("twice", &[("lib.rs", twice)], |b| b);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("the handler `a` is mounted at 2 paths"),
        "{message}"
    );

    // A prefix with a parameter is refused the same whether it is written inline or as a
    // `const` (issue 22: the const one became two literal segments and both clients called
    // `/orgs/{org}/a` literally).
    for (name, nest) in [
        ("inline", r#"Router::new().nest("/orgs/{org}", routes![a])"#),
        ("const", "Router::new().nest(ORG, routes![a])"),
        ("const-ref", "Router::new().nest(&ORG, routes![a])"),
    ] {
        let source = format!(
            "const ORG: &str = \"/orgs/{{org}}\";\n#[get(\"/a\")]\nasync fn a() -> StatusCode {{ unreachable!() }}\npub fn app() -> Router {{\n    {nest}\n}}\n"
        );
        let (result, _) = generate(
            &format!("param-prefix-{name}"),
            &[("lib.rs", &source)],
            |b| b,
        );
        let message = result.unwrap_err().to_string();
        assert!(
            message.contains("lib.rs:5:")
                && message.contains("a prefix is a literal path without parameters"),
            "{name}: {message}"
        );
    }

    let nothing = "#[get(\"/a\")]\nasync fn a() -> StatusCode { unreachable!() }\n";
    let (result, _) = generate("nothing", &[("api.rs", nothing)], |b| b);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("api.rs:2:10: no scanned `routes![…]` mounts the annotated handlers"),
        "{message}"
    );
}

#[test]
fn feature_gated_routes_need_the_feature_declared() {
    let lib = r#"
#[get("/open")]
async fn open() -> StatusCode { unreachable!() }
#[cfg(feature = "admin")]
#[get("/admin")]
async fn admin() -> StatusCode { unreachable!() }
pub fn app() -> Router {
    let router = routes![open];
    #[cfg(feature = "admin")]
    let router = router.merge(routes![admin]);
    router
}
"#;
    let (result, _) = generate("feature", &[("lib.rs", lib)], |b| b);
    let message = result.unwrap_err().to_string();
    assert!(
        message
            .contains("lib.rs:6:10: the handler `admin` is compiled only with the feature `admin`")
            && message.contains(".feature(\"admin\")")
            && message.contains(".without_feature(\"admin\")"),
        "{message}"
    );
    let (result, dir) = generate("feature-on", &[("lib.rs", lib)], |b| b.feature("admin"));
    result.unwrap();
    assert_eq!(js_paths(&dir), ["GET /admin", "GET /open"]);
    let (result, dir) = generate("feature-off", &[("lib.rs", lib)], |b| {
        b.without_feature("admin")
    });
    result.unwrap();
    assert_eq!(js_paths(&dir), ["GET /open"]);
}

#[test]
fn routers_built_in_methods_are_followed() {
    let lib = r#"
#[get("/a")]
async fn a() -> StatusCode { unreachable!() }
struct App;
impl App {
    fn router(&self) -> Router { routes![a] }
}
fn main() {
    let app = App;
    serve(Router::new().nest("/v2", app.router()));
}
"#;
    let (result, dir) = generate("methods", &[("main.rs", lib)], |b| b);
    result.unwrap();
    assert_eq!(js_paths(&dir), ["GET /v2/a"]);
}
