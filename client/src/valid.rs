//! The validation rules of a call's input, checked before it is sent: generated clients
//! implement [`Validate`] for every type the server validates (its `#[garde(...)]` rules, as
//! the generator reads them), and their methods pass the body and query to
//! [`Call::check`](crate::Call::check). A failure is [`ClientError::Invalid`](crate::ClientError::Invalid)
//! with `sent: false`: the same fields, rules and messages the server's 422 would carry,
//! without the round trip. [`RawClient::with_local_checks`](crate::RawClient::with_local_checks)
//! turns the checks off.
//!
//! The messages are garde's English ones, so an error reads the same whichever side found
//! it. `email` is checked more loosely here (an `@` between two non-empty parts, no
//! whitespace) than garde checks it: the server stays the judge of what this lets through.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One rule one field broke: an entry of the server's 422 body (`sailroute::Invalid`) or of
/// a local check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Where the value is: field names joined by dots, list indexes in brackets
    /// (`tags[0]`), as garde writes them; empty for the value itself.
    pub path: String,
    /// The rule: `length`, `range`, `pattern`, `email`, `url`, `custom`, …
    pub rule: String,
    /// What is wrong, in English.
    pub message: String,
}

/// The server's 422 body for input that breaks its rules.
#[derive(Debug, Deserialize)]
pub(crate) struct Invalid {
    pub(crate) error: String,
    pub(crate) fields: Vec<FieldError>,
}

/// A type whose values a generated client checks before sending them.
pub trait Validate {
    /// Adds every rule this value breaks to `errors`; `path` is where the value is.
    fn validate_into(&self, path: &str, errors: &mut Vec<FieldError>);

    /// Every rule this value breaks.
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        self.validate_into("", &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_into(&self, path: &str, errors: &mut Vec<FieldError>) {
        (**self).validate_into(path, errors);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, path: &str, errors: &mut Vec<FieldError>) {
        if let Some(value) = self {
            value.validate_into(path, errors);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, path: &str, errors: &mut Vec<FieldError>) {
        for (i, item) in self.iter().enumerate() {
            item.validate_into(&index(path, i), errors);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, path: &str, errors: &mut Vec<FieldError>) {
        (**self).validate_into(path, errors);
    }
}

/// The path of field `key` of the value at `path`.
pub fn key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The path of item `i` of the list at `path`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn push(errors: &mut Vec<FieldError>, path: &str, rule: &str, message: String) {
    errors.push(FieldError {
        path: path.to_owned(),
        rule: rule.to_owned(),
        message,
    });
}

/// `length(min, max)` on a count: a string's characters, a list's items, a map's entries.
pub fn length(
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let count = count as u64;
    if let Some(min) = min.filter(|&m| count < m) {
        push(
            errors,
            path,
            "length",
            format!("length is lower than {min}"),
        );
    } else if let Some(max) = max.filter(|&m| count > m) {
        push(
            errors,
            path,
            "length",
            format!("length is greater than {max}"),
        );
    }
}

/// `range(min, max)` on a number.
pub fn range<T: PartialOrd + std::fmt::Display>(
    value: T,
    min: Option<T>,
    max: Option<T>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(min) = min.filter(|m| value < *m) {
        push(errors, path, "range", format!("lower than {min}"));
    } else if let Some(max) = max.filter(|m| value > *m) {
        push(errors, path, "range", format!("greater than {max}"));
    }
}

/// A regular expression of a `pattern` rule, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// The pattern `source` (compiled when first used).
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }
}

/// `pattern(re)`: the string has a match somewhere. A pattern this build cannot compile
/// (the server's garde compiled it) is left to the server.
pub fn pattern(value: &str, pattern: &Pattern, path: &str, errors: &mut Vec<FieldError>) {
    let compiled = pattern
        .compiled
        .get_or_init(|| regex::Regex::new(pattern.source).ok());
    if compiled.as_ref().is_some_and(|re| !re.is_match(value)) {
        push(
            errors,
            path,
            "pattern",
            format!("does not match pattern /{}/", pattern.source),
        );
    }
}

/// `email`: an `@` between two non-empty parts and no whitespace (the server checks more).
pub fn email(value: &str, path: &str, errors: &mut Vec<FieldError>) {
    let ok = value
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && !domain.is_empty())
        && !value.chars().any(char::is_whitespace);
    if !ok {
        push(errors, path, "email", "not a valid email".to_owned());
    }
}

/// `url`: an absolute URL, parsed as garde parses it (the `url` crate).
pub fn url(value: &str, path: &str, errors: &mut Vec<FieldError>) {
    if let Err(e) = url::Url::parse(value) {
        push(errors, path, "url", format!("not a valid url: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_reports_as_garde_does() {
        let mut errors = Vec::new();
        length("".chars().count(), Some(1), Some(3), "title", &mut errors);
        length(
            "ééééé".chars().count(),
            Some(1),
            Some(5),
            "title",
            &mut errors,
        );
        range(9_u8, Some(1), Some(3), "level", &mut errors);
        range(-1.5_f64, Some(0.0), None, "x", &mut errors);
        static NOT_BLANK: Pattern = Pattern::new(r"\S");
        pattern("  ", &NOT_BLANK, "title", &mut errors);
        pattern(" a ", &NOT_BLANK, "title", &mut errors);
        email("a b@c", "mail", &mut errors);
        url("/relative", "link", &mut errors);
        let got: Vec<(&str, &str, &str)> = errors
            .iter()
            .map(|e| (e.path.as_str(), e.rule.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("title", "length", "length is lower than 1"),
                ("level", "range", "greater than 3"),
                ("x", "range", "lower than 0"),
                ("title", "pattern", r"does not match pattern /\S/"),
                ("mail", "email", "not a valid email"),
                (
                    "link",
                    "url",
                    "not a valid url: relative URL without a base"
                ),
            ]
        );
        assert_eq!(key("", "a"), "a");
        assert_eq!(index(&key("a", "tags"), 2), "a.tags[2]");
    }
}
