//! The Rust client's local checks: an `impl Validate` per type the server validates, written
//! from the fields' rules, so a call fails before sending what the server would answer 422.

use sailroute_ir::model::Check;

use super::*;

/// One type's `impl ::sailroute_client::Validate`: the statements of its body.
pub(crate) struct ValidatorView {
    pub(crate) name: String,
    pub(crate) lines: Vec<String>,
}

/// Whether the client checks values of `ty`: a validated, non-generic struct declared here
/// (the ones [`validator_view`] writes an `impl Validate` for).
pub(super) fn checks(ty: &TypeRef, api: &Api, options: &RustOptions) -> bool {
    match ty {
        TypeRef::Named { name, args } => {
            args.is_empty()
                && !options.type_map.contains_key(name)
                && api.types.get(name).is_some_and(|def| {
                    def.validates
                        && def.generics.is_empty()
                        && matches!(def.shape, Shape::Struct(_))
                })
        }
        _ => false,
    }
}

/// The `impl Validate` of a validated, non-generic struct.
pub(super) fn validator_view(
    def: &TypeDef,
    api: &Api,
    options: &RustOptions,
) -> Option<ValidatorView> {
    let Shape::Struct(fields) = &def.shape else {
        return None;
    };
    if !def.validates || !def.generics.is_empty() || options.type_map.contains_key(&def.name) {
        return None;
    }
    let mut lines = Vec::new();
    for field in fields.iter().filter(|f| !f.rules.is_empty()) {
        // garde names a field by its Rust name in its errors.
        let key = field.rust_name.trim_start_matches("r#").to_owned();
        let name = ident(&field.rust_name);
        let mut body = Vec::new();
        if field.rules.dive && dives(&field.ty, api, options) {
            body.push(format!(
                "::sailroute_client::Validate::validate_into(&self.{name}, &path, errors);"
            ));
        }
        let (ty, opens) = unwrap(&field.ty);
        let mut checks = check_lines(&field.rules.checks, ty);
        if let (TypeRef::List(item), false) = (ty, field.rules.inner.is_empty()) {
            let inner = check_lines(&field.rules.inner, item);
            if !inner.is_empty() {
                checks.push(format!(
                    "for (i, value) in value.iter().enumerate() {{ let path = ::sailroute_client::valid::index(&path, i); {} }}",
                    inner.join(" ")
                ));
            }
        }
        if !checks.is_empty() {
            // garde checks the value inside an `Option`; `None` passes.
            let mut value = checks.join(" ");
            for _ in 1..opens {
                value = format!("if let Some(value) = value {{ {value} }}");
            }
            body.push(if opens > 0 {
                format!("if let Some(value) = &self.{name} {{ {value} }}")
            } else {
                format!("let value = &self.{name}; {value}")
            });
        }
        if !body.is_empty() {
            lines.push(format!(
                "{{ let path = ::sailroute_client::valid::key(path, {}); {} }}",
                lit(&key),
                body.join(" ")
            ));
        }
    }
    Some(ValidatorView {
        name: def.name.clone(),
        lines,
    })
}

/// The type inside `Option`s and boxes, and how many `Option`s there are.
fn unwrap(ty: &TypeRef) -> (&TypeRef, usize) {
    match ty {
        TypeRef::Option(inner) => {
            let (ty, n) = unwrap(inner);
            (ty, n + 1)
        }
        TypeRef::Boxed(inner) => unwrap(inner),
        ty => (ty, 0),
    }
}

/// Whether a `dive` field's type has a client check to call.
fn dives(ty: &TypeRef, api: &Api, options: &RustOptions) -> bool {
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) | TypeRef::List(inner) => {
            dives(inner, api, options)
        }
        ty => checks(ty, api, options),
    }
}

/// The statements checking `value` (a reference to a `ty`) in the scope of `path`, `errors`.
fn check_lines(checks: &[Check], ty: &TypeRef) -> Vec<String> {
    let opt = |n: &Option<u64>| n.map_or_else(|| "None".to_owned(), |n| format!("Some({n})"));
    let float = matches!(ty, TypeRef::Float);
    let bound = |b: &Option<String>| {
        b.as_ref().map_or_else(
            || "None".to_owned(),
            |b| {
                // A float field compares with float literals.
                if float && !b.contains(['.', 'e', 'E']) {
                    format!("Some({b}.0)")
                } else {
                    format!("Some({b})")
                }
            },
        )
    };
    checks
        .iter()
        .filter_map(|check| match check {
            Check::Length { min, max } => {
                let count = if matches!(ty, TypeRef::String) {
                    "value.chars().count()"
                } else {
                    "value.len()"
                };
                Some(format!(
                    "::sailroute_client::valid::length({count}, {}, {}, &path, errors);",
                    opt(min),
                    opt(max)
                ))
            }
            Check::Range { min, max } => Some(format!(
                "::sailroute_client::valid::range(*value, {}, {}, &path, errors);",
                bound(min),
                bound(max)
            )),
            Check::Pattern(re) => Some(format!(
                "{{ static PATTERN: ::sailroute_client::valid::Pattern = ::sailroute_client::valid::Pattern::new({}); ::sailroute_client::valid::pattern(value, &PATTERN, &path, errors); }}",
                lit(re)
            )),
            Check::Email => Some("::sailroute_client::valid::email(value, &path, errors);".to_owned()),
            Check::Url => Some("::sailroute_client::valid::url(value, &path, errors);".to_owned()),
            Check::Custom => None,
        })
        .collect()
}
