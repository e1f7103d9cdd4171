//! The npm package around the generated client: `package.json`, its name and version rules.

use super::*;

#[derive(Template)]
#[template(path = "js/package.json.jinja", escape = "none")]
pub(super) struct PackageFile {
    name: String,
    version: String,
    runtime: String,
}

/// The runtime version generated clients need: the generator's own, as a caret range.
pub(crate) const RUNTIME_RANGE: &str = concat!("^", env!("CARGO_PKG_VERSION"));

/// The `package.json` written beside `index.js`: a publishable ES module package named
/// `name` at `version`, its types first, with the runtime and socket.io-client 4 as peer
/// dependencies (one runtime per app, so one `ClientError`).
pub(crate) fn render_package(name: &str, version: &str) -> Result<String, Error> {
    check_package_name(name)?;
    check_package_version(version)?;
    let mut text = PackageFile {
        name: string(name),
        version: string(version),
        runtime: string(RUNTIME_RANGE),
    }
    .render()
    .map_err(|e| Error::Render {
        what: "package.json",
        message: e.to_string(),
        source: Box::new(e),
    })?;
    text.push('\n');
    Ok(text)
}

/// npm's rules for a package name: at most 214 characters, lower case, URL-safe, an optional
/// `@scope/`, and no leading `.` or `_`.
pub(super) fn check_package_name(name: &str) -> Result<(), Error> {
    let bare = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, bare)) if !scope.is_empty() && name_chars(scope) => bare,
            _ => "",
        },
        None => name,
    };
    let valid =
        !bare.is_empty() && name.len() <= 214 && name_chars(bare) && !bare.starts_with(['.', '_']);
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{name:?} is not an npm package name: give one like \"todo-client\" or \"@acme/todo-client\" (lower case letters, digits, `-`, `.`, `_`) with `.js_package(name, version)` or `--js-name`"
        )))
    }
}

pub(super) fn name_chars(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_' | '~'))
}

/// A semantic version, `MAJOR.MINOR.PATCH` with an optional pre-release or build suffix.
pub(crate) fn check_package_version(version: &str) -> Result<(), Error> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let valid = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{version:?} is not a semantic version: give one like \"1.2.0\" with `.js_package(name, version)` or `--js-version`"
        )))
    }
}

/// The package name a client generated into `dir` gets when none is given: the directory's
/// name, or its parent's when the directory has a generic name (`js`, `src`, …), lower-cased
/// and made URL-safe.
pub(crate) fn default_package_name(dir: &std::path::Path) -> String {
    const GENERIC: &[&str] = &[
        "js",
        "src",
        "lib",
        "dist",
        "out",
        "pkg",
        "package",
        "generated",
        "client",
        "api",
    ];
    let names: Vec<String> = dir
        .components()
        .rev()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let chosen = names
        .iter()
        .find(|n| !GENERIC.contains(&n.to_ascii_lowercase().as_str()))
        .or(names.first());
    let mut name: String = chosen
        .map(|n| {
            n.chars()
                .map(|c| {
                    let c = c.to_ascii_lowercase();
                    if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    name = name.trim_start_matches(['.', '-']).to_owned();
    if name.is_empty() {
        name = "api-client".to_owned();
    }
    name
}
