//! Validation of what a handler receives: every `Json<T>`, `Query<T>`, `Path<T>` and
//! `sailroute::Query<T>` whose `T` derives `garde::Validate` is checked before the handler
//! runs, on both transports (the route attribute's wrapper does it, so a socket's virtual
//! request and an HTTP request pass the same check). A failure is a 422 whose body is an
//! [`Invalid`]: every failing field with its rule and message.
//!
//! garde's errors carry a message only. The rule name comes from our own [`garde::i18n::I18n`]
//! handler, installed for the duration of the check, which prefixes each message it writes
//! with its rule; a `custom(...)` rule's own message has no prefix and is named `custom`.

use std::borrow::Cow;
use std::fmt::Display;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use garde::i18n::{I18n, InvalidCreditCard, InvalidEmail, InvalidPhoneNumber, InvalidUrl, IpKind};
use serde::{Deserialize, Serialize};

/// The body of a 422 answer to a request whose input breaks its type's rules.
///
/// ```json
/// {"error": "validation", "message": "title: length is lower than 1",
///  "fields": [{"path": "title", "rule": "length", "message": "length is lower than 1"}]}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    /// Always `"validation"`: what tells this body from a handler's own 422.
    pub error: Cow<'static, str>,
    /// Every failure in one sentence.
    pub message: String,
    /// The failures, in the order garde reports them.
    pub fields: Vec<FieldError>,
}

/// One rule one field broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Where the value is, as garde writes it: field names joined by dots, list indexes in
    /// brackets (`items[0].name`); empty for the value itself.
    pub path: String,
    /// The rule: `length`, `range`, `pattern`, `email`, `url`, or `custom` (and garde's
    /// other rule names where a type uses them).
    pub rule: String,
    /// What is wrong, in English.
    pub message: String,
}

impl Invalid {
    fn push(&mut self, report: garde::Report) {
        for (path, error) in report.iter() {
            let (rule, message) = split(error.message());
            self.fields.push(FieldError {
                path: path.to_string(),
                rule: rule.to_owned(),
                message: message.to_owned(),
            });
        }
    }

    /// Whether no check failed.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl IntoResponse for Invalid {
    fn into_response(mut self) -> Response {
        self.error = Cow::Borrowed("validation");
        self.message = self
            .fields
            .iter()
            .map(|f| match f.path.as_str() {
                "" => f.message.clone(),
                path => format!("{path}: {}", f.message),
            })
            .collect::<Vec<_>>()
            .join("; ");
        (StatusCode::UNPROCESSABLE_ENTITY, Json(self)).into_response()
    }
}

/// What marks a message written by [`Named`]: a character no English message contains.
const MARK: char = '\u{1f}';

fn split(message: &str) -> (&str, &str) {
    message
        .strip_prefix(MARK)
        .and_then(|rest| rest.split_once(MARK))
        .unwrap_or(("custom", message))
}

/// garde's English messages, each prefixed with its rule's name.
struct Named;

fn named(rule: &str, message: impl Display) -> Cow<'static, str> {
    Cow::Owned(format!("{MARK}{rule}{MARK}{message}"))
}

impl I18n for Named {
    fn length_lower_than(&self, min: usize) -> Cow<'static, str> {
        named("length", format_args!("length is lower than {min}"))
    }
    fn length_greater_than(&self, max: usize) -> Cow<'static, str> {
        named("length", format_args!("length is greater than {max}"))
    }
    fn range_lower_than(&self, min: &dyn Display) -> Cow<'static, str> {
        named("range", format_args!("lower than {min}"))
    }
    fn range_greater_than(&self, max: &dyn Display) -> Cow<'static, str> {
        named("range", format_args!("greater than {max}"))
    }
    fn credit_card_invalid(&self, reason: InvalidCreditCard) -> Cow<'static, str> {
        named(
            "credit_card",
            format_args!("not a valid credit card number: {reason}"),
        )
    }
    fn pattern_no_match(&self, pattern: &dyn Display) -> Cow<'static, str> {
        named(
            "pattern",
            format_args!("does not match pattern /{pattern}/"),
        )
    }
    fn contains_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        named("contains", format_args!("does not contain \"{pattern}\""))
    }
    fn url_invalid(&self, reason: InvalidUrl) -> Cow<'static, str> {
        named("url", format_args!("not a valid url: {reason}"))
    }
    fn prefix_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        named(
            "prefix",
            format_args!("value does not begin with \"{pattern}\""),
        )
    }
    fn suffix_missing(&self, pattern: &dyn Display) -> Cow<'static, str> {
        named("suffix", format_args!("does not end with \"{pattern}\""))
    }
    fn phone_number_invalid(&self, reason: InvalidPhoneNumber) -> Cow<'static, str> {
        named(
            "phone_number",
            format_args!("not a valid phone number: {reason}"),
        )
    }
    fn ip_invalid(&self, kind: IpKind) -> Cow<'static, str> {
        named("ip", format_args!("not a valid {kind} address"))
    }
    fn matches_field_mismatch(&self, field: &dyn Display) -> Cow<'static, str> {
        named("matches", format_args!("does not match {field} field"))
    }
    fn email_invalid(&self, reason: InvalidEmail) -> Cow<'static, str> {
        named("email", format_args!("not a valid email: {reason}"))
    }
    fn ascii_invalid(&self) -> Cow<'static, str> {
        named("ascii", "not ascii")
    }
    fn alphanumeric_invalid(&self) -> Cow<'static, str> {
        named("alphanumeric", "not alphanumeric")
    }
    fn required_not_set(&self) -> Cow<'static, str> {
        named("required", "not set")
    }
}

/// An extractor whose value has rules: the `T` of `Json<T>`, `Query<T>`, `Path<T>` and
/// `sailroute::Query<T>` when `T` derives `garde::Validate` (with a `Default` context).
pub trait Checked {
    /// Checks the extracted value, adding each failure to `invalid`.
    fn check(&self, invalid: &mut Invalid);
}

fn check_value<T: garde::Validate>(value: &T, invalid: &mut Invalid)
where
    T::Context: Default,
{
    if let Err(report) = garde::i18n::with_i18n(Named, || value.validate()) {
        invalid.push(report);
    }
}

/// `Checked` for extractors that hold their value in `.0`.
macro_rules! checked {
    ($($extractor:ty),* $(,)?) => {$(
        impl<T: garde::Validate> Checked for $extractor
        where
            T::Context: Default,
        {
            fn check(&self, invalid: &mut Invalid) {
                check_value(&self.0, invalid);
            }
        }
    )*};
}

checked!(
    Json<T>,
    axum::extract::Query<T>,
    axum::extract::Path<T>,
    axum_extra::extract::Query<T>,
);

/// An optional extractor (`Option<Json<T>>`) is checked when present.
impl<E: Checked> Checked for Option<E> {
    fn check(&self, invalid: &mut Invalid) {
        if let Some(extracted) = self {
            extracted.check(invalid);
        }
    }
}

/// A fallible extractor (`Result<Json<T>, JsonRejection>`) is checked when it succeeded.
impl<E: Checked, R> Checked for Result<E, R> {
    fn check(&self, invalid: &mut Invalid) {
        if let Ok(extracted) = self {
            extracted.check(invalid);
        }
    }
}

/// A handler argument the route wrapper asks to check itself. Method resolution picks
/// [`ProbeChecked`] when the argument is [`Checked`] and [`ProbeAny`] (which does nothing)
/// otherwise: the wrapper is written once for every argument type.
pub struct Probe<'a, T>(pub &'a T);

/// The check of a [`Checked`] argument.
pub trait ProbeChecked {
    /// Checks the argument.
    fn __sailroute_check(&self, invalid: &mut Invalid);
}

impl<T: Checked> ProbeChecked for Probe<'_, T> {
    fn __sailroute_check(&self, invalid: &mut Invalid) {
        self.0.check(invalid);
    }
}

/// No check, for every other argument.
pub trait ProbeAny {
    /// Does nothing.
    fn __sailroute_check(&self, invalid: &mut Invalid);
}

impl<T> ProbeAny for &Probe<'_, T> {
    fn __sailroute_check(&self, _: &mut Invalid) {}
}

#[cfg(test)]
// The probe is called as the route wrapper calls it, for every argument type.
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;

    #[derive(garde::Validate, Deserialize)]
    struct NewTodo {
        #[garde(length(chars, min = 1, max = 5), pattern(r"[^ ]"))]
        title: String,
        #[garde(range(min = 1, max = 3))]
        level: u8,
        #[garde(custom(never))]
        note: String,
    }

    #[derive(garde::Validate, Deserialize)]
    struct Outer {
        #[garde(dive)]
        others: Vec<Inner>,
        #[garde(length(chars, equal = 4))]
        invite: String,
    }

    #[derive(garde::Validate, Deserialize)]
    struct Inner {
        #[garde(range(max = 5))]
        zip: u32,
    }

    /// The generated clients write paths this way (`sailroute_client::valid`).
    #[test]
    fn paths_are_written_as_the_clients_write_them() {
        let outer = Outer {
            others: vec![Inner { zip: 1 }, Inner { zip: 9 }],
            invite: "abc".to_owned(),
        };
        let mut invalid = Invalid::default();
        (&Probe(&Json(outer))).__sailroute_check(&mut invalid);
        let mut paths: Vec<&str> = invalid.fields.iter().map(|f| f.path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["invite", "others[1].zip"]);
    }

    fn never(_: &str, _: &()) -> garde::Result {
        Err(garde::Error::new("never valid"))
    }

    #[test]
    fn each_failure_names_its_field_and_rule() {
        let todo = NewTodo {
            title: "   ".to_owned(),
            level: 9,
            note: String::new(),
        };
        let mut invalid = Invalid::default();
        (&Probe(&Json(todo))).__sailroute_check(&mut invalid);
        let mut rules: Vec<(&str, &str, &str)> = invalid
            .fields
            .iter()
            .map(|f| (f.path.as_str(), f.rule.as_str(), f.message.as_str()))
            .collect();
        rules.sort_unstable();
        assert_eq!(
            rules,
            [
                ("level", "range", "greater than 3"),
                ("note", "custom", "never valid"),
                ("title", "pattern", "does not match pattern /[^ ]/"),
            ]
        );
        // Behind `Option` and `Result` extractors, when they hold a value.
        let bad = || NewTodo {
            title: String::new(),
            level: 1,
            note: String::new(),
        };
        let mut wrapped = Invalid::default();
        (&Probe(&Some(Json(bad())))).__sailroute_check(&mut wrapped);
        (&Probe(&Ok::<_, ()>(Json(bad())))).__sailroute_check(&mut wrapped);
        (&Probe(&None::<Json<NewTodo>>)).__sailroute_check(&mut wrapped);
        assert_eq!(
            wrapped.fields.iter().filter(|f| f.path == "title").count(),
            4,
            "length and pattern, twice: {wrapped:?}"
        );
        // Anything else is not checked.
        let mut none = Invalid::default();
        (&Probe(&Json(3_u8))).__sailroute_check(&mut none);
        assert!(none.is_empty());
    }
}
