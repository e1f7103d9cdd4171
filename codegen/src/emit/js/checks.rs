//! The JavaScript client's local checks: a `check<Type>(value, path, errors)` function per
//! type the server validates, written from the fields' rules and run (through the runtime's
//! `rules`) before a call sends its body or query.

use sailroute_ir::model::{Api, Check, Shape, TypeDef, TypeRef};

/// One type's check function.
pub(crate) struct JsValidator {
    /// The type's name.
    pub(crate) ty: String,
    /// The function's name.
    pub(crate) name: String,
    pub(crate) lines: Vec<String>,
}

/// The name of the check function of type `name`.
pub(super) fn check_fn(name: &str) -> String {
    format!("check{name}")
}

/// A JavaScript string literal.
fn js_str(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Whether the client checks values of `ty` (a validated, non-generic struct).
pub(super) fn checks(ty: &TypeRef, api: &Api) -> bool {
    match ty {
        TypeRef::Named { name, args } => {
            args.is_empty()
                && api.types.get(name).is_some_and(|def| {
                    def.validates
                        && def.generics.is_empty()
                        && matches!(def.shape, Shape::Struct(_))
                })
        }
        _ => false,
    }
}

/// The check function of a validated struct, or `None`.
pub(super) fn validator(def: &TypeDef, api: &Api) -> Option<JsValidator> {
    let Shape::Struct(fields) = &def.shape else {
        return None;
    };
    if !def.validates || !def.generics.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for field in fields.iter().filter(|f| !f.rules.is_empty() && !f.flatten) {
        // garde names a field by its Rust name in its errors.
        let key = field.rust_name.trim_start_matches("r#").to_owned();
        let mut body = Vec::new();
        if field.rules.dive {
            if let Some(line) = dive(&field.ty, api, "v", "p", 0) {
                body.push(line);
            }
        }
        let ty = unwrap(&field.ty);
        let mut value_checks = check_lines(&field.rules.checks, ty, "v", "p");
        if let (TypeRef::List(item), false) = (ty, field.rules.inner.is_empty()) {
            let inner = check_lines(&field.rules.inner, item, "item", "q");
            if !inner.is_empty() {
                value_checks.push(format!(
                    "v.forEach((item, i) => {{ const q = rules.index(p, i); {} }});",
                    guarded(item, "item", &inner)
                ));
            }
        }
        if !value_checks.is_empty() {
            body.push(guarded(ty, "v", &value_checks));
        }
        if !body.is_empty() {
            lines.push(format!(
                "{{ const p = rules.key(path, {}); const v = value[{}]; {} }}",
                js_str(&key),
                js_str(&field.json_name),
                body.join(" ")
            ));
        }
    }
    Some(JsValidator {
        ty: def.name.clone(),
        name: check_fn(&def.name),
        lines,
    })
}

fn unwrap(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => unwrap(inner),
        ty => ty,
    }
}

/// `lines` run only when `var` holds a value of `ty`'s JSON kind (a missing or mistyped value
/// is the server's to refuse).
fn guarded(ty: &TypeRef, var: &str, lines: &[String]) -> String {
    let test = match ty {
        TypeRef::String => format!("typeof {var} === \"string\""),
        TypeRef::Int(_) | TypeRef::Float => format!("typeof {var} === \"number\""),
        TypeRef::List(_) => format!("Array.isArray({var})"),
        _ => format!("{var} !== null && typeof {var} === \"object\""),
    };
    format!("if ({test}) {{ {} }}", lines.join(" "))
}

/// The call of a `dive` field's own check, through lists and options.
fn dive(ty: &TypeRef, api: &Api, var: &str, path: &str, depth: usize) -> Option<String> {
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => dive(inner, api, var, path, depth),
        TypeRef::List(inner) => {
            let item = format!("item{depth}");
            let at = format!("at{depth}");
            let inner = dive(inner, api, &item, &at, depth + 1)?;
            Some(format!(
                "if (Array.isArray({var})) {var}.forEach(({item}, i) => {{ const {at} = rules.index({path}, i); {inner} }});"
            ))
        }
        TypeRef::Named { name, .. } if checks(ty, api) => Some(format!(
            "if ({var} !== null && typeof {var} === \"object\") {}({var}, {path}, errors);",
            check_fn(name)
        )),
        _ => None,
    }
}

fn check_lines(checks: &[Check], ty: &TypeRef, var: &str, path: &str) -> Vec<String> {
    let opt = |n: &Option<u64>| n.map_or_else(|| "undefined".to_owned(), |n| n.to_string());
    let bound = |b: &Option<String>| b.clone().unwrap_or_else(|| "undefined".to_owned());
    checks
        .iter()
        .filter_map(|check| match check {
            Check::Length { min, max } => {
                let count = match ty {
                    TypeRef::String => format!("rules.chars({var})"),
                    TypeRef::List(_) => format!("{var}.length"),
                    _ => format!("Object.keys({var}).length"),
                };
                Some(format!(
                    "rules.length({count}, {}, {}, {path}, errors);",
                    opt(min),
                    opt(max)
                ))
            }
            Check::Range { min, max } => Some(format!(
                "rules.range({var}, {}, {}, {path}, errors);",
                bound(min),
                bound(max)
            )),
            Check::Pattern(re) => Some(format!(
                "rules.pattern({var}, {}, {path}, errors);",
                js_str(re)
            )),
            Check::Email => Some(format!("rules.email({var}, {path}, errors);")),
            Check::Url => Some(format!("rules.url({var}, {path}, errors);")),
            Check::Custom => None,
        })
        .collect()
}
