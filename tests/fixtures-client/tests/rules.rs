//! The generated checks of every validation rule (`codegen/tests/fixtures/rules`), compiled
//! and run: each broken rule is reported at garde's path with garde's rule name, and a valid
//! value passes.

#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::BTreeMap;

use fixtures_client::rules::{Address, Page, SignUp};
use sailroute_client::Validate;

fn valid() -> SignUp {
    SignUp {
        user_name: "ada".to_owned(),
        email_address: "ada@example.com".to_owned(),
        home_page: Some("https://example.com/".to_owned()),
        age: 36,
        score: 1.0,
        tags: vec!["math".to_owned()],
        settings: BTreeMap::new(),
        address: Address {
            zip: "12345".to_owned(),
        },
        others: Vec::new(),
        invite: "abcd".to_owned(),
        nickname: "admin".to_owned(),
        note: None,
    }
}

#[test]
fn a_valid_value_passes_and_custom_rules_are_the_servers() {
    // `nickname` has a `custom` rule: the server's alone.
    assert_eq!(valid().validate(), Ok(()));
    assert_eq!(Page { limit: None }.validate(), Ok(()));
}

#[test]
fn every_broken_rule_is_reported_where_garde_reports_it() {
    let broken = SignUp {
        user_name: "<é>".to_owned(),
        email_address: "nobody".to_owned(),
        home_page: Some("not a url".to_owned()),
        age: 12,
        score: 2.5,
        tags: vec![String::new(); 6],
        settings: (0..4).map(|i| (i.to_string(), String::new())).collect(),
        address: Address {
            zip: "1234".to_owned(),
        },
        others: vec![
            Address {
                zip: "12345".to_owned(),
            },
            Address {
                zip: "x".to_owned(),
            },
            Address {
                zip: "12345".to_owned(),
            },
        ],
        invite: "abc".to_owned(),
        ..valid()
    };
    let errors = broken.validate().unwrap_err();
    let mut got: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.path.clone(), e.rule.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = [
        ("user_name", "pattern"),
        ("email_address", "email"),
        ("home_page", "url"),
        ("age", "range"),
        ("score", "range"),
        ("tags", "length"),
        ("tags[0]", "length"),
        ("tags[1]", "length"),
        ("tags[2]", "length"),
        ("tags[3]", "length"),
        ("tags[4]", "length"),
        ("tags[5]", "length"),
        ("settings", "length"),
        ("address.zip", "pattern"),
        ("others", "length"),
        ("others[1].zip", "pattern"),
        ("invite", "length"),
    ]
    .iter()
    .map(|(p, r)| ((*p).to_owned(), (*r).to_owned()))
    .collect();
    want.sort();
    assert_eq!(got, want);
    let age = errors.iter().find(|e| e.path == "age").unwrap();
    assert_eq!(age.message, "lower than 13");
    assert_eq!(
        Page { limit: Some(0) }.validate().unwrap_err()[0].message,
        "lower than 1"
    );
}
