//! Validation rules on a field, as `garde` declares them (`#[garde(length(chars, min = 1))]`):
//! the part of a field's contract that serde's attributes do not say. The server enforces them
//! through garde; the generator writes them as JSON Schema keywords, TypeScript and Rust doc
//! lines, and checks in the generated clients.
//!
//! Only rules with an exact JSON Schema form are kept here. The parser refuses the others with
//! the rule to write instead ([`parse::rules`](crate::parse)); `custom(...)` is kept as
//! [`Check::Custom`], which the server alone can run.

use serde::{Deserialize, Serialize};

use crate::model::TypeRef;

/// The rules of one field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Checks on the value (on the inner value of an `Option`, as garde applies them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// `inner(...)`: checks on each item of a list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inner: Vec<Check>,
    /// `dive`: the value's own type is validated by its rules.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dive: bool,
}

impl Rules {
    /// No rule at all.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.inner.is_empty() && !self.dive
    }

    /// The rules in one sentence for doc comments ("Checked: at least 1 and at most 200
    /// characters; matches `\S`."), or `None` without checks. `ty` is the field's type.
    pub fn summary(&self, ty: &TypeRef) -> Option<String> {
        fn unit(ty: &TypeRef) -> &'static str {
            match ty {
                TypeRef::Option(inner) | TypeRef::Boxed(inner) => unit(inner),
                TypeRef::List(_) => "items",
                TypeRef::Map(_) => "entries",
                _ => "characters",
            }
        }
        fn item(ty: &TypeRef) -> &TypeRef {
            match ty {
                TypeRef::Option(inner) | TypeRef::Boxed(inner) => item(inner),
                TypeRef::List(inner) => inner,
                other => other,
            }
        }
        let mut parts: Vec<String> = self
            .checks
            .iter()
            .filter(|c| **c != Check::Custom)
            .map(|c| c.describe(unit(ty)))
            .collect();
        let inner: Vec<String> = self
            .inner
            .iter()
            .filter(|c| **c != Check::Custom)
            .map(|c| c.describe(unit(item(ty))))
            .collect();
        if !inner.is_empty() {
            parts.push(format!("each item {}", inner.join(", ")));
        }
        if self.all().any(|c| *c == Check::Custom) {
            parts.push("and a rule only the server checks".to_owned());
        }
        (!parts.is_empty()).then(|| format!("Checked: {}.", parts.join("; ")))
    }

    /// Every check, the value's and the items'.
    pub fn all(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().chain(&self.inner)
    }
}

/// One check with a JSON Schema form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Check {
    /// `length(min, max)`: characters of a string (`minLength`/`maxLength`), items of a list
    /// (`minItems`/`maxItems`), entries of a map (`minProperties`/`maxProperties`).
    Length {
        /// At least this many.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        /// At most this many.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// `range(min, max)`: a number's bounds, inclusive (`minimum`/`maximum`). The bounds are
    /// kept as written (a JSON number).
    Range {
        /// The least value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        /// The greatest value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
    /// `pattern("re")`: the string has a match of the regular expression somewhere, as
    /// JSON Schema's `pattern` and the `regex` crate's `is_match` both read it.
    Pattern(String),
    /// `email`: an email address (`format: email`).
    Email,
    /// `url`: an absolute URL (`format: uri`).
    Url,
    /// `custom(f)`: a rule only the server can run; it is in no schema.
    Custom,
}

impl Check {
    /// The rule's name, as the 422 body and the clients' errors spell it.
    pub fn rule(&self) -> &'static str {
        match self {
            Check::Length { .. } => "length",
            Check::Range { .. } => "range",
            Check::Pattern(_) => "pattern",
            Check::Email => "email",
            Check::Url => "url",
            Check::Custom => "custom",
        }
    }

    /// A sentence fragment that says what the check asks ("at least 1 and at most 200
    /// characters"), for doc comments. `unit` names what a length counts.
    pub fn describe(&self, unit: &str) -> String {
        match self {
            Check::Length { min, max } => match (min, max) {
                (Some(a), Some(b)) if a == b => format!("exactly {a} {unit}"),
                (Some(a), Some(b)) => format!("at least {a} and at most {b} {unit}"),
                (Some(a), None) => format!("at least {a} {unit}"),
                (None, Some(b)) => format!("at most {b} {unit}"),
                (None, None) => format!("any number of {unit}"),
            },
            Check::Range { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "any number".to_owned(),
            },
            Check::Pattern(re) => format!("matches `{re}`"),
            Check::Email => "an email address".to_owned(),
            Check::Url => "a URL".to_owned(),
            Check::Custom => "checked by the server".to_owned(),
        }
    }
}
