//! syn -> model: the one parser, called by the attribute macros (one handler at a time) and
//! by the code generator (whole files).

mod blueprint;
mod cfg;
mod docs;
mod mount;
mod path;
mod pubsub;
mod route;
mod rules;
mod types;

pub use blueprint::{ACTIONS, ModelAttr, blueprint_def, model_attr};
pub use cfg::Cfg;
use cfg::CfgValue;
pub use docs::docs_of;
pub(crate) use mount::resolve_consts;
pub use mount::{FnMounts, MountEntry, Prefix, PrefixPart};
pub use path::PathError;
pub use pubsub::{EventAttr, ResourceAttr, attr_tokens, event_attr, find_attr, resource_attr};
pub use route::{
    CLIENT_FREE_EXTRACTORS, RouteAttr, find_route_attr, handler, response_of_type, route_attr,
};
pub use rules::derives_validate;
pub use types::{derives_serde, type_def, type_ref};

use std::collections::BTreeMap;

use proc_macro2::Span;
use syn::Item;

use crate::error::{Error, Errors};
use crate::model::{BlueprintDef, EventDef, ResourceDef, Route, SourceLoc, TypeDef, TypeRef};

/// What one source file declares: routes and serde types.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// Handlers with a route attribute.
    pub routes: Vec<Route>,
    /// Structs and enums deriving `Serialize` or `Deserialize`.
    pub types: Vec<TypeDef>,
    /// Types marked `#[event("name")]`.
    pub events: Vec<EventDef>,
    /// Types marked `#[resource("identity")]`.
    pub resources: Vec<ResourceDef>,
    /// Structs marked `#[model("identity")]`.
    pub blueprints: Vec<BlueprintDef>,
    /// Type aliases (`type ApiResult<T> = Result<Json<T>, ApiError>;`), to see through them
    /// in return types.
    pub aliases: Vec<Alias>,
    /// What each function mounts (`routes![…]`, `.nest(…)`, `.merge(…)`).
    pub mounts: Vec<FnMounts>,
    /// `const NAME: &str = "…";` items, for nest prefixes given by name.
    pub consts: Vec<(String, String)>,
}

/// A type alias: its name, its type parameters and what it stands for.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The alias' name.
    pub name: String,
    /// Its type parameters, in order.
    pub params: Vec<String>,
    /// The aliased type.
    pub target: syn::Type,
}

/// A type's name for messages: its last path segment, or the whole type.
pub fn route_type_name(ty: &syn::Type) -> String {
    types::last_segment(ty).map_or_else(|| route::type_text(ty), |s| s.ident.to_string())
}

/// A type as source text, for messages.
pub fn route_type_text(ty: &syn::Type) -> String {
    route::type_text(ty)
}

/// The location of `span` in `file`.
pub fn loc(file: &str, span: Span) -> SourceLoc {
    let start = span.start();
    SourceLoc {
        file: file.to_owned(),
        line: start.line,
        column: start.column + 1,
    }
}

/// Turns syn errors (each may hold several) into located errors.
pub fn located(file: &str, error: syn::Error) -> Vec<Error> {
    error
        .into_iter()
        .map(|e| Error::new(loc(file, e.span()), e.to_string()))
        .collect()
}

/// Parses one file's source; `file` names it in locations and errors. `cfg(test)` items are
/// left out; see [`file_with`] to declare features.
pub fn file(file: &str, source: &str) -> Result<Scanned, Errors> {
    file_with(file, source, &Cfg::default())
}

/// The deepest nesting of brackets and generic arguments the scanner accepts.
///
/// syn parses recursively: about 1,500 nested blocks, `if`s, modules or generic arguments
/// overflow an 8 MiB stack in a release build, and about 200 levels a 2 MiB test thread's in a
/// debug build (found by the `codegen_scan` fuzz target; the recursion is syn's). A route
/// file never nests more than a few dozen levels, so deeper input is refused with a located
/// error instead.
pub const MAX_NESTING: usize = 128;

/// Refuses source nested deeper than [`MAX_NESTING`], found with proc-macro2's tokenizer, which
/// (unlike syn's parser) does not recurse, walked here with an explicit stack. A `<` counts as
/// a level until a `>` closes it within the same brackets (a comparison counts too: a bracket
/// pair holding hundreds of unclosed `<` is refused as well).
fn check_nesting(file: &str, source: &str) -> Result<(), Errors> {
    use proc_macro2::{TokenStream, TokenTree};
    let tokens: TokenStream = source.parse().map_err(|e: proc_macro2::LexError| {
        Errors(vec![Error::new(loc(file, e.span()), e.to_string())])
    })?;
    let too_deep = |span: Span| {
        Errors(vec![Error::new(
            loc(file, span),
            format!(
                "nested more than {MAX_NESTING} levels deep (brackets and generic arguments): \
                 the route scanner does not follow such code; move it out of the scanned files \
                 or split it"
            ),
        )])
    };
    // Each open bracket: its remaining tokens and the `<` it has open.
    let mut stack = vec![(tokens.into_iter(), 0_usize)];
    loop {
        let depth = stack.len();
        let Some((tokens, angles)) = stack.last_mut() else {
            return Ok(());
        };
        match tokens.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(group)) => {
                if depth + *angles >= MAX_NESTING {
                    return Err(too_deep(group.span()));
                }
                stack.push((group.stream().into_iter(), 0));
            }
            Some(TokenTree::Punct(punct)) => match punct.as_char() {
                '<' => {
                    *angles += 1;
                    if depth + *angles > MAX_NESTING {
                        return Err(too_deep(punct.span()));
                    }
                }
                '>' => *angles = angles.saturating_sub(1),
                _ => {}
            },
            Some(_) => {}
        }
    }
}

/// [`file()`] for a server built with the features `cfg` declares.
pub fn file_with(file: &str, source: &str, cfg: &Cfg) -> Result<Scanned, Errors> {
    check_nesting(file, source)?;
    let ast = syn::parse_file(source).map_err(|e| Errors(located(file, e)))?;
    let mut scanned = Scanned::default();
    let mut errors = Vec::new();
    let mut uses = BTreeMap::new();
    for item in &ast.items {
        if let Item::Use(u) = item {
            use_paths(&u.tree, &mut Vec::new(), &mut uses);
        }
    }
    let mut scan = Scan {
        file,
        cfg,
        uses,
        module: file_module(file),
        scanned: &mut scanned,
        errors: &mut errors,
    };
    scan.items(&ast.items, None);
    if errors.is_empty() {
        Ok(scanned)
    } else {
        Err(Errors(errors))
    }
}

/// The module a file is, by its name: `src/users.rs` and `src/users/mod.rs` are `users`;
/// `lib.rs` and `main.rs` are the crate root.
fn file_module(file: &str) -> Vec<String> {
    let path = std::path::Path::new(file);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let name = match stem {
        "lib" | "main" => return Vec::new(),
        "mod" => path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or_default(),
        other => other,
    };
    vec![name.to_owned()]
}

/// One file's walk: what it finds and the errors.
struct Scan<'a> {
    file: &'a str,
    cfg: &'a Cfg,
    /// The file's top-level `use` items: a name and the path it stands for.
    uses: BTreeMap<String, String>,
    /// The module being scanned (from the file's name, then inline `mod`s).
    module: Vec<String>,
    scanned: &'a mut Scanned,
    errors: &'a mut Vec<Error>,
}

impl Scan<'_> {
    /// Scans `items`; `feature` is an undeclared feature they depend on, if any.
    fn items(&mut self, items: &[Item], feature: Option<&str>) {
        let file = self.file;
        for item in items {
            let attrs: &[syn::Attribute] = match item {
                Item::Fn(f) => &f.attrs,
                Item::Impl(i) => &i.attrs,
                Item::Struct(s) => &s.attrs,
                Item::Enum(e) => &e.attrs,
                Item::Mod(m) => &m.attrs,
                Item::Type(t) => &t.attrs,
                Item::Const(c) => &c.attrs,
                _ => &[],
            };
            let unknown = match self.cfg.item(attrs) {
                CfgValue::Off => continue,
                CfgValue::Unknown(f) => Some(f),
                CfgValue::On => feature.map(str::to_owned),
            };
            match item {
                Item::Fn(func) => self.func(func, unknown.as_deref()),
                Item::Struct(s) if find_attr(&s.attrs, "model").is_some() => {
                    let parsed = find_attr(&s.attrs, "model")
                        .map(|attr| model_attr(attr_tokens(attr)))
                        .transpose()
                        .and_then(|attr| match attr {
                            Some(attr) => blueprint_def(s, &attr, |span| loc(file, span)).map(Some),
                            None => Ok(None),
                        });
                    match parsed {
                        Ok(Some(def)) => self.scanned.blueprints.push(def),
                        Ok(None) => {}
                        Err(e) => self.errors.extend(located(file, e)),
                    }
                }
                Item::Struct(s) if derives_serde(&s.attrs) => {
                    let input = syn::DeriveInput::from(s.clone());
                    push_type(file, &input, self.scanned, self.errors);
                    push_pubsub(file, &input, self.scanned, self.errors);
                }
                Item::Enum(e) if derives_serde(&e.attrs) => {
                    let input = syn::DeriveInput::from(e.clone());
                    push_type(file, &input, self.scanned, self.errors);
                    push_pubsub(file, &input, self.scanned, self.errors);
                }
                Item::Type(alias) => self.scanned.aliases.push(Alias {
                    name: alias.ident.to_string(),
                    params: alias
                        .generics
                        .type_params()
                        .map(|p| p.ident.to_string())
                        .collect(),
                    target: (*alias.ty).clone(),
                }),
                Item::Const(c) => {
                    if let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(value),
                        ..
                    }) = &*c.expr
                    {
                        self.scanned
                            .consts
                            .push((c.ident.to_string(), value.value()));
                    }
                }
                // Methods that build routers (`impl App { fn router(&self) -> Router … }`).
                Item::Impl(imp) => {
                    for item in &imp.items {
                        if let syn::ImplItem::Fn(method) = item
                            && !matches!(self.cfg.item(&method.attrs), CfgValue::Off)
                        {
                            let func = syn::ItemFn {
                                attrs: method.attrs.clone(),
                                vis: method.vis.clone(),
                                sig: method.sig.clone(),
                                block: Box::new(method.block.clone()),
                            };
                            self.func(&func, unknown.as_deref());
                        }
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        self.module.push(m.ident.to_string());
                        self.items(inner, unknown.as_deref());
                        self.module.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn func(&mut self, func: &syn::ItemFn, feature: Option<&str>) {
        let file = self.file;
        let undeclared = |what: String| {
            let feature = feature.unwrap_or_default();
            Error::new(
                loc(file, func.sig.ident.span()),
                format!(
                    "{what} is compiled only with the feature `{feature}`, which the client generator cannot know: declare `.feature(\"{feature}\")` if the server is built with it or `.without_feature(\"{feature}\")` if not (CLI `--feature {feature}` / `--without-feature {feature}`)"
                ),
            )
        };
        let Some((method, attr)) = find_route_attr(&func.attrs) else {
            let mut syn_errors = Vec::new();
            let mounts = mount::fn_mounts(file, &self.module, func, &mut syn_errors);
            for e in syn_errors {
                self.errors.extend(located(file, e));
            }
            if mounts.entries.is_empty() {
                return;
            }
            if feature.is_some() {
                self.errors.push(undeclared(format!(
                    "`{}`, which mounts routes,",
                    func.sig.ident
                )));
                return;
            }
            self.scanned.mounts.push(mounts);
            return;
        };
        if feature.is_some() {
            self.errors
                .push(undeclared(format!("the handler `{}`", func.sig.ident)));
            return;
        }
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => proc_macro2::TokenStream::new(),
        };
        let result = route_attr(method, args)
            .and_then(|attr| handler(&attr, func, loc(file, func.sig.ident.span())));
        match result {
            Ok(mut route) => {
                // `Query` imported by a `use`: where from decides how it reads the query.
                if let Some(written) = &route.query_extractor
                    && let Some(full) = self.uses.get(written.split("::").next().unwrap_or(""))
                {
                    let rest = written.split_once("::").map(|(_, r)| r);
                    route.query_extractor = Some(match rest {
                        Some(rest) => format!("{full}::{rest}"),
                        None => full.clone(),
                    });
                }
                self.scanned.routes.push(route);
            }
            Err(e) => self.errors.extend(located(file, e)),
        }
    }
}

/// Records what each name a `use` tree brings in stands for.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut BTreeMap<String, String>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut full = prefix.clone();
            full.push(n.ident.to_string());
            out.insert(n.ident.to_string(), full.join("::"));
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            out.insert(r.rename.to_string(), full.join("::"));
        }
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_paths(item, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

fn push_type(file: &str, input: &syn::DeriveInput, scanned: &mut Scanned, errors: &mut Vec<Error>) {
    match type_def(input, loc(file, input.ident.span())) {
        Ok(def) => scanned.types.push(def),
        Err(e) => errors.extend(located(file, e)),
    }
}

/// Records `#[event]` and `#[resource]` on a serde type.
fn push_pubsub(
    file: &str,
    input: &syn::DeriveInput,
    scanned: &mut Scanned,
    errors: &mut Vec<Error>,
) {
    let ty = input.ident.to_string();
    if let Some(attr) = find_attr(&input.attrs, "event") {
        match event_attr(attr_tokens(attr)) {
            Ok(event) => scanned.events.push(EventDef {
                name: event.name.value(),
                ty: ty.clone(),
                loc: loc(file, event.name.span()),
            }),
            Err(e) => errors.extend(located(file, e)),
        }
    }
    if let Some(attr) = find_attr(&input.attrs, "resource") {
        let parsed = resource_attr(attr_tokens(attr)).and_then(|r| {
            let id = match &r.id {
                Some(t) => type_ref(t, &[])?,
                None => TypeRef::Int(crate::model::IntKind::U64),
            };
            Ok((r, id))
        });
        match parsed {
            Ok((resource, id)) => scanned.resources.push(ResourceDef {
                identity: resource.identity.value(),
                record: ty,
                id,
                loc: loc(file, resource.identity.span()),
            }),
            Err(e) => errors.extend(located(file, e)),
        }
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!(
            "fn f() {{ {}1{} }}",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    #[test]
    fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
        for source in [
            nested("{", "}", 5000),
            nested("(", ")", 5000),
            nested("if a {", "}", 3000),
            format!("type T = {}u8{};", "Vec<".repeat(3000), ">".repeat(3000)),
            format!("type T = {}X;", "<".repeat(5000)),
            format!("{}{}", "mod a {".repeat(3000), "}".repeat(3000)),
        ] {
            let Err(errors) = file("deep.rs", &source) else {
                panic!("deep nesting was accepted");
            };
            let text = errors.to_string();
            assert!(text.contains("deep.rs:1:"), "{text}");
            assert!(text.contains("nested more than 128 levels"), "{text}");
        }
    }

    #[test]
    fn ordinary_nesting_and_comparisons_pass() {
        let source = format!(
            "fn f() -> Vec<Vec<Option<u8>>> {{ {} if a < b && c > d {{ x }} else {{ y }} }}",
            "if a { b } else { c };".repeat(50)
        );
        assert!(file("ok.rs", &source).is_ok());
        assert!(file("ok.rs", &nested("(", ")", 100)).is_ok());
    }
}
