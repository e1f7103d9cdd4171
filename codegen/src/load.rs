//! Reading the scanned source into the validated model, and the checks a client needs.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use sailroute_ir::model::Api;

use crate::Error;

/// Reads every `.rs` file under `paths` (sorted, so output never depends on directory
/// order) and builds the validated model. Returns the model and the files read. `cfg(test)`
/// items are left out and no feature is declared (see [`load_with`]); the checks of
/// [`check_supported`] are not run ([`Builder::compile`](crate::Builder::compile) runs them).
pub fn load(paths: &[PathBuf]) -> Result<(Api, Vec<PathBuf>), Error> {
    load_with(
        paths,
        &sailroute_ir::parse::Cfg::default(),
        &BTreeSet::new(),
    )
}

/// [`load`] for a server built with the features `cfg` declares, with `external` naming types
/// declared outside the scanned source (mapped with `map_type`/`ts_type`).
pub fn load_with(
    paths: &[PathBuf],
    cfg: &sailroute_ir::parse::Cfg,
    external: &BTreeSet<String>,
) -> Result<(Api, Vec<PathBuf>), Error> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    files.sort();
    files.dedup();
    let mut scanned = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        match sailroute_ir::parse::file_with(&file.display().to_string(), &source, cfg) {
            Ok(items) => scanned.push(items),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Source(sailroute_ir::Errors(errors)));
    }
    let api = sailroute_ir::resolve_with(scanned, external)?;
    sailroute_ir::validate(&api)?;
    Ok((api, files))
}

/// Refuses what the clients could only guess: every extractor, success or error type the
/// generator does not understand, unless the user declared how to treat it (`untyped`
/// names handlers or types, `ignored_extractors` extractor names), and query types no query
/// string can carry. The checks are `sailroute_ir`'s ([`sailroute_ir::validate_client`]).
pub fn check_supported(
    api: &Api,
    untyped: &BTreeSet<String>,
    ignored_extractors: &BTreeSet<String>,
) -> Result<(), Error> {
    let options = sailroute_ir::ClientOptions {
        untyped: untyped.clone(),
        ignored_extractors: ignored_extractors.clone(),
    };
    sailroute_ir::validate_client(api, &options).map_err(Error::Source)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let meta = fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_file() {
        files.push(path.to_owned());
        return Ok(());
    }
    let entries = fs::read_dir(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let child = entry.path();
        if child.is_dir() {
            collect(&child, files)?;
        } else if child.extension().is_some_and(|e| e == "rs") {
            files.push(child);
        }
    }
    Ok(())
}
