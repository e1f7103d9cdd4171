//! [`Builder`]: what to read and what to write, and the generation it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sailroute_ir::model::Api;

use crate::load::{check_supported, load_with};
use crate::{Error, JsOptions, RustOptions, emit};

/// Types declared outside the scanned source, by name.
type Externals = BTreeMap<String, emit::contract::External>;

/// A route as the generated clients call it, from [`Builder::routes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRoute {
    /// The handler's name (the Rust client's method).
    pub name: String,
    /// The method, upper case.
    pub method: &'static str,
    /// The full path template in axum's syntax, nest prefixes included (`/api/todos/{id}`).
    pub path: String,
}

/// What [`Builder::compile`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The source files read.
    pub inputs: Vec<PathBuf>,
    /// Outputs written because their bytes changed.
    pub written: Vec<PathBuf>,
    /// Outputs left alone because they were already up to date.
    pub unchanged: Vec<PathBuf>,
    /// Number of routes in the generated clients.
    pub routes: usize,
    /// Number of types in the generated clients.
    pub types: usize,
    /// Annotated handlers that no scanned router mounts, as `file:line:col: message` lines:
    /// left out of the clients (build scripts also print them as `cargo:warning`).
    pub unmounted: Vec<String>,
}

/// Starts configuring a generation, like `tonic_build::configure()`.
pub fn configure() -> Builder {
    Builder {
        scan: Vec::new(),
        rust_client: None,
        rust_crate: None,
        openapi: None,
        asyncapi: None,
        api_info: None,
        js_client: None,
        out_dir: None,
        options: RustOptions::default(),
        js_options: JsOptions::default(),
        untyped: BTreeSet::new(),
        ignored_extractors: BTreeSet::new(),
        cfg: sailroute_ir::parse::Cfg::default(),
        contract_in: None,
        contract_out: None,
        check: false,
        emit_rerun_if_changed: std::env::var_os("CARGO").is_some()
            && std::env::var_os("OUT_DIR").is_some(),
    }
}

/// Configures what to read and what to write. Relative output paths are resolved against
/// [`out_dir`](Builder::out_dir), which defaults to `OUT_DIR` (set by cargo for build scripts).
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    scan: Vec<PathBuf>,
    rust_client: Option<PathBuf>,
    /// A standalone client crate: its directory, name and version.
    rust_crate: Option<(PathBuf, String, String)>,
    openapi: Option<PathBuf>,
    asyncapi: Option<PathBuf>,
    /// The documents' title and version.
    api_info: Option<emit::openapi::Info>,
    js_client: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    options: RustOptions,
    js_options: JsOptions,
    untyped: BTreeSet<String>,
    ignored_extractors: BTreeSet<String>,
    cfg: sailroute_ir::parse::Cfg,
    contract_in: Option<PathBuf>,
    contract_out: Option<PathBuf>,
    check: bool,
    emit_rerun_if_changed: bool,
}

impl Builder {
    /// Adds a `.rs` file, or a directory whose `.rs` files (recursively) are read.
    pub fn scan(mut self, path: impl AsRef<Path>) -> Self {
        self.scan.push(path.as_ref().to_owned());
        self
    }

    /// Generates from a contract file (written by [`write_contract`](Self::write_contract),
    /// often in another repository) instead of scanning source: a client crate or web project
    /// needs only that file. Cannot be combined with [`scan`](Self::scan).
    pub fn contract(mut self, file: impl AsRef<Path>) -> Self {
        self.contract_in = Some(file.as_ref().to_owned());
        self
    }

    /// Writes the contract file — the API the clients are generated from, as versioned,
    /// deterministic JSON (`docs/contract.md`) — to this file. With [`check`](Self::check),
    /// fails when the checked-in contract is stale.
    pub fn write_contract(mut self, file: impl AsRef<Path>) -> Self {
        self.contract_out = Some(file.as_ref().to_owned());
        self
    }

    /// Writes the Rust client to this file.
    pub fn rust_client(mut self, file: impl AsRef<Path>) -> Self {
        self.rust_client = Some(file.as_ref().to_owned());
        self
    }

    /// Writes the Rust client as a standalone crate into this directory — `Cargo.toml`,
    /// `README.md`, `src/lib.rs` and `src/client.rs` — named `name` at `version`, depending on the
    /// `sailroute-client` of this generator's version with the features its types need. It
    /// `cargo package`s as it is: the client for another repository (see `docs/contract.md`).
    pub fn rust_crate(
        mut self,
        dir: impl AsRef<Path>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.rust_crate = Some((dir.as_ref().to_owned(), name.into(), version.into()));
        self
    }

    /// Writes the HTTP face of the API as an OpenAPI 3.1 document (JSON) to this file: every
    /// route with its parameters, body and answers, and the JSON Schema of every type.
    pub fn openapi(mut self, file: impl AsRef<Path>) -> Self {
        self.openapi = Some(file.as_ref().to_owned());
        self
    }

    /// Writes the realtime face of the API as an AsyncAPI 3.0 document (YAML) to this file:
    /// the routes as Sails virtual requests with their replies, the typed events, and the
    /// resources' messages.
    pub fn asyncapi(mut self, file: impl AsRef<Path>) -> Self {
        self.asyncapi = Some(file.as_ref().to_owned());
        self
    }

    /// The title and version the OpenAPI and AsyncAPI documents give the API. By default a
    /// build script's crate's name and version, else `API` at `0.1.0`.
    pub fn api_info(mut self, title: impl Into<String>, version: impl Into<String>) -> Self {
        self.api_info = Some(emit::openapi::Info {
            title: title.into(),
            version: version.into(),
        });
        self
    }

    /// Names the generated JavaScript package and gives its version (its `package.json`).
    /// By default a build script's client is named and versioned as its crate, and otherwise
    /// after its output directory (or that directory's parent when it is called `js`, `src`,
    /// …) at `0.1.0`. A name npm would refuse fails [`compile`](Self::compile).
    pub fn js_package(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.js_options.package_name = Some(name.into());
        self.js_options.package_version = Some(version.into());
        self
    }

    /// Writes `index.js` and `index.d.ts` (an ES module and its types), `browser.js` (the same
    /// client as a classic script that attaches to `io.socket`, for
    /// `ServerBuilder::browser_api`) and a `package.json` into this directory: a publishable npm package
    /// (see [`js_package`](Self::js_package)) whose peer dependency `@sailroute/client` does the
    /// calling.
    pub fn js_client(mut self, dir: impl AsRef<Path>) -> Self {
        self.js_client = Some(dir.as_ref().to_owned());
        self
    }

    /// Where relative outputs go (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Uses an existing Rust type in the Rust client instead of re-declaring a scanned one, or
    /// for a type no scanned file declares (a type of another crate:
    /// `.map_type("Owner", "shared::Owner")`), or instead of the type a well-known type keeps
    /// (`.map_type("DateTime", "my_time::Stamp")`; the names are in `docs/codegen.md`). A type
    /// no scanned file declares needs its TypeScript shape too when a JS client is generated:
    /// see [`extern_type`](Self::extern_type).
    pub fn map_type(mut self, name: impl Into<String>, rust_path: impl Into<String>) -> Self {
        self.options.type_map.insert(name.into(), rust_path.into());
        self
    }

    /// Adds an attribute to the Rust client's declaration of the type `name` (`"*"` for every
    /// type), as written: `.type_attribute("Todo", "#[derive(Hash)]")`. The client already
    /// derives `Debug`, `Clone`, `PartialEq` and serde's traits, plus those of `Default`, `Eq`,
    /// `Hash`, `PartialOrd`, `Ord` and `Copy` the server's type derives.
    pub fn type_attribute(mut self, name: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.options
            .type_attributes
            .entry(name.into())
            .or_default()
            .push(attribute.into());
        self
    }

    /// Declares the type `name` in TypeScript as `ts_type` (`"{ id: number; name: string }"`,
    /// `"string"`) instead of the scanned declaration, or for a type no scanned file declares.
    pub fn ts_type(mut self, name: impl Into<String>, ts_type: impl Into<String>) -> Self {
        self.js_options.type_map.insert(name.into(), ts_type.into());
        self
    }

    /// A type defined outside the scanned source, for both clients: its Rust path in the Rust
    /// client and its JSON shape as a TypeScript type. The same as
    /// [`map_type`](Self::map_type) and [`ts_type`](Self::ts_type) together.
    pub fn extern_type(
        self,
        name: impl Into<String>,
        rust_path: impl Into<String>,
        ts_type: impl Into<String>,
    ) -> Self {
        let name = name.into();
        self.map_type(name.clone(), rust_path)
            .ts_type(name, ts_type)
    }

    /// Accepts an answer the generator cannot type as untyped JSON (`serde_json::Value` in
    /// Rust, `unknown` in TypeScript). `name` is a handler (its success answer: `impl
    /// IntoResponse`, `Response`, a custom responder) or a type (wherever it is the success or
    /// error type, like an `AppError` that implements `IntoResponse` without serde). Without
    /// it such a handler fails the generation, so no client guesses silently.
    pub fn untyped(mut self, name: impl Into<String>) -> Self {
        self.untyped.insert(name.into());
        self
    }

    /// Declares that the extractor `name` (its type's last path segment, like `AuthUser`)
    /// takes nothing the client must send as path, query or body: it reads headers (sent with
    /// `with_header` / `headers`), state or the connection. Extractors the generator does not
    /// know fail the generation until declared; `State`, `Extension`, `Socket`, `Sockets`,
    /// `HeaderMap`, `ConnectInfo`, `TypedHeader`, cookies and sessions are known.
    pub fn ignore_extractor(mut self, name: impl Into<String>) -> Self {
        self.ignored_extractors.insert(name.into());
        self
    }

    /// Declares that the server is built with the cargo feature `name`: items under
    /// `#[cfg(feature = "name")]` are scanned. A route (or a function mounting routes) under a
    /// feature that is declared neither on nor off fails the generation, since the generator
    /// cannot know the server's features; `cfg(test)` items are always left out.
    pub fn feature(mut self, name: impl Into<String>) -> Self {
        self.cfg.features.insert(name.into(), true);
        self
    }

    /// Declares that the server is built without the cargo feature `name`: items under
    /// `#[cfg(feature = "name")]` are left out. See [`feature`](Self::feature).
    pub fn without_feature(mut self, name: impl Into<String>) -> Self {
        self.cfg.features.insert(name.into(), false);
        self
    }

    /// Instead of writing, fail with [`Error::Drift`] when an output differs from what would
    /// be generated (for checked-in clients in CI).
    pub fn check(mut self, check: bool) -> Self {
        self.check = check;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: when run by cargo as a
    /// build script).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Self {
        self.emit_rerun_if_changed = emit;
        self
    }

    /// The routes the generated clients call, without generating anything: for a server's
    /// own test that its router serves each of them at that path (`sailroute::check_routes`).
    pub fn routes(&self) -> Result<Vec<ClientRoute>, Error> {
        let api = self.api()?.0;
        Ok(api
            .routes
            .iter()
            .map(|r| ClientRoute {
                name: r.name.clone(),
                method: r.method.upper(),
                path: r.path.axum(),
            })
            .collect())
    }

    /// Reads and checks the sources (or the contract): the model the clients are generated
    /// from, the files read, and the types declared outside the source — the contract's,
    /// under the builder's own mappings (the builder wins).
    fn api(&self) -> Result<(Api, Vec<PathBuf>, Externals), Error> {
        let (api, inputs, mut externals) = match &self.contract_in {
            Some(file) => {
                if !self.scan.is_empty() {
                    return Err(Error::Config(format!(
                        "both .scan(..) and .contract({}) are set: generate from the source or from the contract, not both",
                        file.display()
                    )));
                }
                let text = fs::read_to_string(file).map_err(|source| Error::Io {
                    path: file.clone(),
                    source,
                })?;
                let contract = emit::contract::parse(&file.display().to_string(), &text)?;
                sailroute_ir::validate(&contract.api)?;
                (contract.api, vec![file.clone()], contract.externals)
            }
            None => {
                let external: BTreeSet<String> = self.externals().into_keys().collect();
                let (api, inputs) = load_with(&self.scan, &self.cfg, &external)?;
                check_supported(&api, &self.untyped, &self.ignored_extractors)?;
                (api, inputs, Externals::new())
            }
        };
        for (name, external) in self.externals() {
            let entry = externals.entry(name).or_default();
            if external.rust.is_some() {
                entry.rust = external.rust;
            }
            if external.typescript.is_some() {
                entry.typescript = external.typescript;
            }
        }
        Ok((api, inputs, externals))
    }

    /// The types declared outside the scanned source, as the builder was told.
    fn externals(&self) -> Externals {
        let mut externals = Externals::new();
        for (name, path) in &self.options.type_map {
            externals.entry(name.clone()).or_default().rust = Some(path.clone());
        }
        for (name, ts) in &self.js_options.type_map {
            externals.entry(name.clone()).or_default().typescript = Some(ts.clone());
        }
        externals
    }

    /// Reads the sources, generates, and writes what changed.
    pub fn compile(self) -> Result<Report, Error> {
        if self.rust_client.is_none()
            && self.rust_crate.is_none()
            && self.js_client.is_none()
            && self.contract_out.is_none()
            && self.openapi.is_none()
            && self.asyncapi.is_none()
        {
            return Err(Error::Config(
                "nothing to generate: call .rust_client(..), .rust_crate(..), .js_client(..), .openapi(..), .asyncapi(..) and/or .write_contract(..)"
                    .to_owned(),
            ));
        }
        let (api, inputs, externals) = self.api()?;
        let mut rust_options = self.options.clone();
        let mut js_options = self.js_options.clone();
        for (name, external) in &externals {
            if let Some(path) = &external.rust {
                rust_options.type_map.insert(name.clone(), path.clone());
            }
            if let Some(ts) = &external.typescript {
                js_options.type_map.insert(name.clone(), ts.clone());
            }
        }
        let unmounted: Vec<String> = api
            .unmounted
            .iter()
            .map(|u| {
                format!(
                    "{}: the handler `{}` has a route attribute but no scanned `routes![…]` mounts it; it is left out of the clients",
                    u.loc, u.name
                )
            })
            .collect();
        if self.emit_rerun_if_changed {
            for input in &inputs {
                println!("cargo:rerun-if-changed={}", input.display());
            }
            for line in &unmounted {
                println!("cargo:warning={line}");
            }
        }
        let mut outputs: BTreeMap<PathBuf, String> = BTreeMap::new();
        if let Some(file) = &self.contract_out {
            outputs.insert(
                self.resolve(file)?,
                emit::contract::render(&api, &externals)?,
            );
        }
        if let Some(file) = &self.rust_client {
            outputs.insert(
                self.resolve(file)?,
                emit::rust::render(&api, &rust_options)?,
            );
        }
        if self.openapi.is_some() || self.asyncapi.is_some() {
            let info = self
                .api_info
                .clone()
                .unwrap_or_else(|| emit::openapi::Info {
                    title: self
                        .crate_env("CARGO_PKG_NAME")
                        .unwrap_or_else(|| "API".to_owned()),
                    version: self
                        .crate_env("CARGO_PKG_VERSION")
                        .unwrap_or_else(|| "0.1.0".to_owned()),
                });
            if let Some(file) = &self.openapi {
                outputs.insert(self.resolve(file)?, emit::openapi::render(&api, &info)?);
            }
            if let Some(file) = &self.asyncapi {
                outputs.insert(self.resolve(file)?, emit::asyncapi::render(&api, &info)?);
            }
        }
        if let Some((dir, name, version)) = &self.rust_crate {
            let dir = self.resolve(dir)?;
            let client = emit::rust::render(&api, &rust_options)?;
            let mapped: Vec<(String, String)> = rust_options
                .type_map
                .iter()
                .filter(|(ty, _)| api.referenced_names().contains(*ty))
                .map(|(ty, path)| (ty.clone(), path.clone()))
                .collect();
            for (file, contents) in emit::krate::render(&client, name, version, &mapped)? {
                outputs.insert(dir.join(file), contents);
            }
        }
        if let Some(dir) = &self.js_client {
            let dir = self.resolve(dir)?;
            let (js, dts) = emit::js::render_with(&api, &js_options)?;
            outputs.insert(dir.join("index.js"), js);
            outputs.insert(dir.join("index.d.ts"), dts);
            outputs.insert(dir.join("browser.js"), emit::js::render_browser(&api)?);
            // A publishable package: an ES module (so Node and TypeScript's nodenext read
            // index.js as ESM wherever it is installed), named and versioned.
            let name = js_options
                .package_name
                .clone()
                .or_else(|| self.crate_env("CARGO_PKG_NAME"))
                .unwrap_or_else(|| emit::js::default_package_name(&dir));
            let version = js_options
                .package_version
                .clone()
                .or_else(|| self.crate_env("CARGO_PKG_VERSION"))
                .unwrap_or_else(|| "0.1.0".to_owned());
            outputs.insert(
                dir.join("package.json"),
                emit::js::render_package(&name, &version)?,
            );
        }
        let mut report = Report {
            inputs,
            routes: api.routes.len(),
            types: api.types.len(),
            unmounted,
            ..Report::default()
        };
        for (path, contents) in outputs {
            let current = fs::read(&path).ok();
            if current.as_deref() == Some(contents.as_bytes()) {
                report.unchanged.push(path);
                continue;
            }
            if self.check {
                return Err(Error::Drift(path));
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|source| Error::Io {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            fs::write(&path, contents).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            report.written.push(path);
        }
        Ok(report)
    }

    /// A cargo package variable (`CARGO_PKG_NAME`, …) when running as a build script, for
    /// the defaults that follow the client crate.
    fn crate_env(&self, name: &str) -> Option<String> {
        self.emit_rerun_if_changed
            .then(|| std::env::var(name).ok())
            .flatten()
            .filter(|v| !v.is_empty())
    }

    fn resolve(&self, path: &Path) -> Result<PathBuf, Error> {
        if path.is_absolute() {
            return Ok(path.to_owned());
        }
        let base = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::Config(format!(
                    "{} is relative and OUT_DIR is not set: call .out_dir(..) outside build scripts",
                    path.display()
                ))
            })?,
        };
        Ok(base.join(path))
    }
}
