//! Where routes are mounted: `routes![…]` invocations, `.nest("/prefix", …)` and
//! `.merge(…)` around them, through local variables and calls of other scanned functions.
//!
//! The generator reads source, not a running router, so it follows what can be known
//! statically: literal (or scanned `const`) nest prefixes, routers built in a function and
//! returned or used by another. Anything else it cannot follow is an error at its location.

use std::collections::BTreeMap;

use syn::spanned::Spanned;
use syn::{Expr, ExprMacro, ItemFn, Stmt};

use crate::model::SourceLoc;
use crate::validate::check_prefix;

/// What one function contributes to routers: handlers it mounts and functions whose routers
/// it mounts, each under a prefix.
#[derive(Debug, Clone, Default)]
pub struct FnMounts {
    /// The function's name.
    pub name: String,
    /// The modules it is in, as far as the file's name and inline `mod`s tell
    /// (`src/users.rs` → `["users"]`), to tell apart functions of the same name.
    pub module: Vec<String>,
    /// Where the function is.
    pub loc: SourceLoc,
    /// What it mounts.
    pub entries: Vec<MountEntry>,
}

/// A nest prefix as written: literal paths and `const` names, outermost first. The consts are
/// looked up once every file is scanned, and their values checked by the same rule as a
/// literal's (`validate/mounts.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefix(Vec<PrefixPart>);

/// One part of a [`Prefix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixPart {
    /// A checked literal path (`/api`, no trailing slash).
    Literal(String),
    /// A `const`'s name, where it is used.
    Const {
        /// The const's name.
        name: String,
        /// Where the prefix names it.
        loc: SourceLoc,
    },
}

impl Prefix {
    fn literal(path: String) -> Self {
        Prefix(vec![PrefixPart::Literal(path)])
    }

    /// `self` then `inner`, as axum's `nest` joins them.
    fn join(&self, inner: &Prefix) -> Prefix {
        Prefix(self.0.iter().chain(&inner.0).cloned().collect())
    }

    /// The prefix as a path. A const not resolved yet (or unknown, already reported)
    /// contributes nothing.
    pub fn path(&self) -> String {
        self.0
            .iter()
            .filter_map(|part| match part {
                PrefixPart::Literal(path) => Some(path.as_str()),
                PrefixPart::Const { .. } => None,
            })
            .collect()
    }
}

/// One thing a function mounts.
#[derive(Debug, Clone)]
pub enum MountEntry {
    /// A handler named in `routes![…]`, under `prefix` (empty for none).
    Handler {
        /// The nest prefix around it in this function (`/api`), or empty.
        prefix: Prefix,
        /// The handler's name (last path segment).
        name: String,
        /// Where it is named.
        loc: SourceLoc,
    },
    /// The router another scanned function returns, under `prefix`.
    Call {
        /// The nest prefix around it in this function.
        prefix: Prefix,
        /// The called function's path as written (`users::router` → `["users", "router"]`).
        callee: Vec<String>,
    },
}

/// Reads what `func` mounts. `errors` gets what cannot be followed (a prefix that is neither
/// a literal nor a `const`).
pub(crate) fn fn_mounts(
    file: &str,
    module: &[String],
    func: &ItemFn,
    errors: &mut Vec<syn::Error>,
) -> FnMounts {
    let mut walker = Walker {
        file,
        locals: BTreeMap::new(),
        entries: Vec::new(),
        errors,
    };
    for stmt in &func.block.stmts {
        walker.stmt(stmt);
    }
    FnMounts {
        name: func.sig.ident.to_string(),
        module: module.to_vec(),
        loc: super::loc(file, func.sig.ident.span()),
        entries: walker.entries,
    }
}

/// Replaces `const` prefixes by their values, checked as a literal prefix is; an unknown
/// const, or a value no literal prefix could have, is an error where the prefix names it.
pub(crate) fn resolve_consts(
    mounts: &mut [FnMounts],
    consts: &BTreeMap<String, String>,
) -> Vec<crate::Error> {
    let mut errors = Vec::new();
    for f in mounts {
        for entry in &mut f.entries {
            let (MountEntry::Handler { prefix, .. } | MountEntry::Call { prefix, .. }) = entry;
            for part in &mut prefix.0 {
                let PrefixPart::Const { name, loc } = part else {
                    continue;
                };
                let resolved = match consts.get(name.as_str()) {
                    Some(value) => {
                        check_prefix(value).map_err(|why| format!("`{name}` = {value:?}: {why}"))
                    }
                    None => Err(format!(
                        "the nest prefix `{name}` in `{}` is not a scanned `const NAME: &str = \"/…\";`: write the prefix as a string literal or scan the file defining the const",
                        f.name
                    )),
                };
                match resolved {
                    Ok(path) => *part = PrefixPart::Literal(path),
                    Err(message) => errors.push(crate::Error::new(loc.clone(), message)),
                }
            }
        }
    }
    errors
}

struct Walker<'a> {
    file: &'a str,
    /// Local variables holding routers: what they mount.
    locals: BTreeMap<String, Vec<MountEntry>>,
    entries: Vec<MountEntry>,
    errors: &'a mut Vec<syn::Error>,
}

impl Walker<'_> {
    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    let found = self.expr(&init.expr, &Prefix::default());
                    match pat_ident(&local.pat) {
                        // Counted where the variable is used, with the prefix it gets there.
                        Some(name) => {
                            self.locals.insert(name, found);
                        }
                        None => self.entries.extend(found),
                    }
                }
            }
            Stmt::Expr(expr, _) => {
                // `app = app.nest(…)` rebinds a router variable.
                if let Expr::Assign(assign) = expr
                    && let Some(name) = path_ident(&assign.left)
                {
                    let found = self.expr(&assign.right, &Prefix::default());
                    self.locals.insert(name, found);
                    return;
                }
                let found = self.expr(expr, &Prefix::default());
                self.entries.extend(found);
            }
            Stmt::Macro(m) => {
                let found = self.routes_macro(&m.mac, &Prefix::default());
                self.entries.extend(found);
            }
            Stmt::Item(_) => {}
        }
    }

    /// What `expr` mounts, under `prefix`.
    fn expr(&mut self, expr: &Expr, prefix: &Prefix) -> Vec<MountEntry> {
        match expr {
            Expr::Macro(ExprMacro { mac, .. }) => self.routes_macro(mac, prefix),
            Expr::MethodCall(call) => {
                let mut found = self.expr(&call.receiver, prefix);
                let method = call.method.to_string();
                let args: Vec<&Expr> = call.args.iter().collect();
                match (method.as_str(), args.as_slice()) {
                    ("nest", [at, inner]) => {
                        if let Some(at) = self.prefix(at) {
                            let nested = prefix.join(&at);
                            found.extend(self.expr(inner, &nested));
                        }
                    }
                    ("merge", [inner]) => found.extend(self.expr(inner, prefix)),
                    // `app.router()`: a scanned method that builds a router. (`.layer(…)`,
                    // `.with_state(…)` name no scanned function and add nothing.)
                    _ => found.push(MountEntry::Call {
                        prefix: prefix.clone(),
                        callee: vec![method],
                    }),
                }
                found
            }
            Expr::Call(call) => {
                let mut found = Vec::new();
                if let Expr::Path(path) = &*call.func
                    && !path.path.segments.is_empty()
                {
                    found.push(MountEntry::Call {
                        prefix: prefix.clone(),
                        callee: path
                            .path
                            .segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect(),
                    });
                }
                // `Server::builder(app(…))`, `Some(routes![…])`: routers passed along.
                for arg in &call.args {
                    found.extend(self.expr(arg, prefix));
                }
                found
            }
            Expr::Path(path) => match path.path.get_ident() {
                Some(ident) => self
                    .locals
                    .get(&ident.to_string())
                    .map(|entries| entries.iter().map(|e| prefixed(e, prefix)).collect())
                    .unwrap_or_default(),
                None => Vec::new(),
            },
            Expr::Block(block) => self.block(&block.block.stmts, prefix),
            Expr::Unsafe(block) => self.block(&block.block.stmts, prefix),
            Expr::If(e) => {
                let mut found = self.block(&e.then_branch.stmts, prefix);
                if let Some((_, other)) = &e.else_branch {
                    found.extend(self.expr(other, prefix));
                }
                found
            }
            Expr::Match(e) => {
                let mut found = Vec::new();
                for arm in &e.arms {
                    found.extend(self.expr(&arm.body, prefix));
                }
                found
            }
            Expr::Paren(e) => self.expr(&e.expr, prefix),
            Expr::Group(e) => self.expr(&e.expr, prefix),
            Expr::Return(e) => e
                .expr
                .as_ref()
                .map_or_else(Vec::new, |e| self.expr(e, prefix)),
            Expr::Try(e) => self.expr(&e.expr, prefix),
            Expr::Await(e) => self.expr(&e.base, prefix),
            Expr::Reference(e) => self.expr(&e.expr, prefix),
            Expr::Let(e) => self.expr(&e.expr, prefix),
            Expr::Async(e) => self.block(&e.block.stmts, prefix),
            _ => Vec::new(),
        }
    }

    fn block(&mut self, stmts: &[Stmt], prefix: &Prefix) -> Vec<MountEntry> {
        // A block's own locals stay in it; what it mounts counts wherever it is used.
        let outer = self.locals.clone();
        let saved = std::mem::take(&mut self.entries);
        for stmt in stmts {
            self.stmt(stmt);
        }
        let inner = std::mem::replace(&mut self.entries, saved);
        self.locals = outer;
        inner.iter().map(|e| prefixed(e, prefix)).collect()
    }

    /// `routes![a, m::b]`: the handlers it names.
    fn routes_macro(&mut self, mac: &syn::Macro, prefix: &Prefix) -> Vec<MountEntry> {
        if mac.path.segments.last().is_none_or(|s| s.ident != "routes") {
            return Vec::new();
        }
        let Ok(paths) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            // The macro itself reports malformed input when the server compiles.
            return Vec::new();
        };
        paths
            .iter()
            .filter_map(|p| {
                p.segments.last().map(|s| MountEntry::Handler {
                    prefix: prefix.clone(),
                    name: s.ident.to_string(),
                    loc: super::loc(self.file, s.ident.span()),
                })
            })
            .collect()
    }

    /// A nest prefix: a string literal, or a `const`'s name (resolved later, by the same rule).
    fn prefix(&mut self, expr: &Expr) -> Option<Prefix> {
        match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => match check_prefix(&s.value()) {
                Ok(path) => Some(Prefix::literal(path)),
                Err(why) => {
                    self.errors.push(syn::Error::new(s.span(), why));
                    None
                }
            },
            Expr::Path(path) if path.path.get_ident().is_some() => {
                let ident = path.path.get_ident()?;
                Some(Prefix(vec![PrefixPart::Const {
                    name: ident.to_string(),
                    loc: super::loc(self.file, ident.span()),
                }]))
            }
            Expr::Reference(r) => self.prefix(&r.expr),
            other => {
                self.errors.push(syn::Error::new(
                    other.span(),
                    "the client generator cannot follow this nest prefix: write it as a string literal (`.nest(\"/api\", …)`) or a `const API: &str = \"/api\";` in a scanned file",
                ));
                None
            }
        }
    }
}

fn prefixed(entry: &MountEntry, prefix: &Prefix) -> MountEntry {
    match entry {
        MountEntry::Handler {
            prefix: inner,
            name,
            loc,
        } => MountEntry::Handler {
            prefix: prefix.join(inner),
            name: name.clone(),
            loc: loc.clone(),
        },
        MountEntry::Call {
            prefix: inner,
            callee,
        } => MountEntry::Call {
            prefix: prefix.join(inner),
            callee: callee.clone(),
        },
    }
}

fn pat_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        syn::Pat::Type(p) => pat_ident(&p.pat),
        _ => None,
    }
}

fn path_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}
