//! Code generation for a synthetic API of 500 routes and 300 types (plus two shared ones): parse, resolve,
//! validate, and render both clients (target: under 200 ms).
//!
//! `cargo bench -p sailroute-bench --bench codegen`

#![allow(missing_docs)] // criterion's macros generate undocumented public items

use std::fmt::Write;

use criterion::{Criterion, criterion_group, criterion_main};

/// One source file per 50 routes, types spread over them, with docs, renames, enums,
/// options, generics and maps — the shapes real APIs have.
fn synthetic_sources(routes: usize, types: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let per_file = 50;
    for file in 0..routes.div_ceil(per_file) {
        let mut src = String::from(
            "use axum::{Json, extract::{Path, Query, State}};\nuse serde::{Deserialize, Serialize};\n\n",
        );
        for r in file * per_file..((file + 1) * per_file).min(routes) {
            let ty = r % types;
            let next = (r + 1) % types;
            // Blocks of routes share a method, so every model is used by a GET (with its filter).
            let method = ["get", "post", "put", "patch", "delete"][(r / types) % 5];
            let _ = match method {
                "get" => writeln!(
                    src,
                    "/// Route {r}.\n#[{method}(\"/r{r}/items/:id\")]\nasync fn route_{r}(State(s): State<AppState>, Path(id): Path<u64>, Query(q): Query<Filter{ty}>) -> Result<Json<Vec<Model{ty}>>, ApiError> {{ unreachable!() }}\n"
                ),
                "delete" => writeln!(
                    src,
                    "/// Route {r}.\n#[{method}(\"/r{r}/items/{{id}}/sub/{{sub}}\")]\nasync fn route_{r}(Path((id, sub)): Path<(u64, String)>) -> StatusCode {{ unreachable!() }}\n"
                ),
                _ => writeln!(
                    src,
                    "/// Route {r}.\n#[{method}(\"/r{r}/items\")]\nasync fn route_{r}(Json(body): Json<Model{next}>) -> Json<Page<Model{ty}>> {{ unreachable!() }}\n"
                ),
            };
        }
        for t in (0..types).filter(|t| t % routes.div_ceil(per_file) == file) {
            let _ = writeln!(
                src,
                "/// Model {t}.\n#[derive(Debug, Serialize, Deserialize)]\n#[serde(rename_all = \"camelCase\")]\npub struct Model{t} {{\n    /// Id.\n    pub id: u64,\n    pub display_name: String,\n    #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub note: Option<String>,\n    pub tags: Vec<String>,\n    pub attributes: std::collections::BTreeMap<String, f64>,\n    pub kind: Kind{t},\n}}\n\n#[derive(Debug, Serialize, Deserialize)]\n#[serde(tag = \"type\", rename_all = \"snake_case\")]\npub enum Kind{t} {{\n    Plain,\n    Linked {{ target: u64 }},\n}}\n\n#[derive(Debug, Serialize, Deserialize)]\npub struct Filter{t} {{\n    pub limit: Option<u32>,\n    pub q: Option<String>,\n}}\n"
            );
        }
        // The router that mounts this file's routes (the generator keeps only mounted ones).
        let names: Vec<String> = (file * per_file..((file + 1) * per_file).min(routes))
            .map(|r| format!("route_{r}"))
            .collect();
        let _ = writeln!(
            src,
            "pub fn router_{file}() -> Router {{ routes![{}] }}\n",
            names.join(", ")
        );
        if file == 0 {
            src.push_str("#[derive(Serialize, Deserialize)]\npub struct Page<T> { pub items: Vec<T>, pub next: Option<String> }\n\n#[derive(Serialize, Deserialize)]\n#[serde(tag = \"code\")]\npub enum ApiError { NotFound { id: u64 }, Invalid { message: String } }\n");
        }
        files.push((format!("api_{file}.rs"), src));
    }
    files
}

fn generate(files: &[(String, String)]) -> (usize, usize) {
    let scanned = files
        .iter()
        .map(|(name, src)| sailroute_ir::parse::file(name, src).expect("synthetic source parses"))
        .collect();
    let api = sailroute_ir::resolve(scanned).expect("synthetic types resolve");
    sailroute_ir::validate(&api).expect("synthetic routes are valid");
    let rust = sailroute_codegen::__bench::render_rust(&api).expect("rust renders");
    let (js, dts) = sailroute_codegen::__bench::render_js(&api).expect("js renders");
    (
        api.routes.len() + api.types.len(),
        rust.len() + js.len() + dts.len(),
    )
}

fn codegen(c: &mut Criterion) {
    // 100 models, each with a tagged enum and a query struct: 300 types (plus a generic page
    // and the error enum), all reachable from the 500 routes.
    let files = synthetic_sources(500, 100);
    let (items, bytes) = generate(&files);
    assert_eq!(items, 500 + 302, "every route and type is generated");
    eprintln!("synthetic API: {items} routes+types, {bytes} bytes of output");
    let mut group = c.benchmark_group("codegen");
    group.sample_size(20);
    group.bench_function(
        "500 routes, 300 types: parse+resolve+validate+render rust+js",
        |b| {
            b.iter(|| generate(&files));
        },
    );
    group.finish();
}

criterion_group!(benches, codegen);
criterion_main!(benches);
