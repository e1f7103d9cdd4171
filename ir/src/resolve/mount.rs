//! Mounting: the routes a scanned router serves, each at its full path (nest prefixes included).

use super::*;

/// Keeps the routes that a scanned router mounts, each at its full path (nest prefixes
/// included), and returns the others as unmounted.
pub(super) fn mount(
    routes: Vec<Route>,
    mut mounts: Vec<FnMounts>,
    consts: &BTreeMap<String, String>,
    errors: &mut Vec<Error>,
) -> (Vec<Route>, Vec<Unmounted>) {
    if routes.is_empty() {
        return (routes, Vec::new());
    }
    errors.extend(crate::parse::resolve_consts(&mut mounts, consts));
    let mounts_any = mounts
        .iter()
        .flat_map(|f| &f.entries)
        .any(|e| matches!(e, MountEntry::Handler { .. }));
    if !mounts_any {
        errors.push(Error::new(
            routes[0].loc.clone(),
            "no scanned `routes![…]` mounts the annotated handlers, so the generator cannot know their paths: scan the file that builds the router (the one calling `routes![…]` and `.nest(…)`) too",
        ));
        return (Vec::new(), Vec::new());
    }
    // Which function a call names: by its last segment, then by its module when several
    // scanned functions have that name.
    let find = |callee: &[String]| -> Vec<usize> {
        let Some(name) = callee.last() else {
            return Vec::new();
        };
        let candidates: Vec<usize> = (0..mounts.len())
            .filter(|&i| &mounts[i].name == name)
            .collect();
        if candidates.len() <= 1 || callee.len() < 2 {
            return candidates;
        }
        let module = &callee[callee.len() - 2];
        candidates
            .into_iter()
            .filter(|&i| mounts[i].module.last() == Some(module))
            .collect()
    };
    let mut called = vec![false; mounts.len()];
    for f in &mounts {
        for entry in &f.entries {
            if let MountEntry::Call { callee, .. } = entry {
                for i in find(callee) {
                    called[i] = true;
                }
            }
        }
    }
    // Every handler reachable from a function nobody calls, with its prefix.
    let mut placed: BTreeMap<String, Vec<(String, SourceLoc)>> = BTreeMap::new();
    let mut stack: Vec<(usize, String, usize)> = (0..mounts.len())
        .filter(|&i| !called[i])
        .map(|i| (i, String::new(), 0))
        .collect();
    while let Some((i, prefix, depth)) = stack.pop() {
        if depth > 32 {
            continue; // a cycle of calls: each function was already expanded once on it
        }
        for entry in &mounts[i].entries {
            match entry {
                MountEntry::Handler {
                    prefix: inner,
                    name,
                    loc,
                } => {
                    let full = format!("{prefix}{}", inner.path());
                    let places = placed.entry(name.clone()).or_default();
                    if !places.iter().any(|(p, _)| p == &full) {
                        places.push((full, loc.clone()));
                    }
                }
                MountEntry::Call {
                    prefix: inner,
                    callee,
                } => {
                    let targets = find(callee);
                    if targets.len() > 1 {
                        errors.push(Error::new(
                            mounts[i].loc.clone(),
                            format!(
                                "`{}` calls `{}`, and several scanned functions have that name: give them different names or module paths the generator can tell apart",
                                mounts[i].name,
                                callee.join("::")
                            ),
                        ));
                        continue;
                    }
                    for t in targets {
                        stack.push((t, format!("{prefix}{}", inner.path()), depth + 1));
                    }
                }
            }
        }
    }
    let mut mounted = Vec::new();
    let mut unmounted = Vec::new();
    for mut route in routes {
        match placed.get(&route.name).map(Vec::as_slice) {
            None | Some([]) => unmounted.push(Unmounted {
                name: route.name.clone(),
                loc: route.loc.clone(),
            }),
            Some([(prefix, _)]) => {
                let mut segments: Vec<Segment> = prefix
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| Segment::Literal(s.to_owned()))
                    .collect();
                segments.append(&mut route.path.segments);
                route.path.segments = segments;
                mounted.push(route);
            }
            Some(places) => {
                let paths: Vec<String> = places
                    .iter()
                    .map(|(p, loc)| format!("`{p}{}` ({loc})", route.path.sails()))
                    .collect();
                errors.push(Error::new(
                    route.loc.clone(),
                    format!(
                        "the handler `{}` is mounted at {} paths: {}; a client method has one path, so mount it once",
                        route.name,
                        places.len(),
                        paths.join(", ")
                    ),
                ));
            }
        }
    }
    (mounted, unmounted)
}
