use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::blueprints::{Attribute, ModelSchema};

/// Sails' classic `User`, as its blueprints see it.
fn user() -> ModelSchema {
    let attr = |name: &str, ty| Attribute {
        name: name.to_owned(),
        ty,
    };
    ModelSchema {
        identity: "user".to_owned(),
        primary_key: "id".to_owned(),
        attributes: vec![
            attr("id", AttrType::Integer),
            attr("createdAt", AttrType::Integer),
            attr("updatedAt", AttrType::Integer),
            attr("name", AttrType::String),
            attr("age", AttrType::Number),
            attr("admin", AttrType::Boolean),
            attr("meta", AttrType::Json),
        ],
        associations: vec!["pets".to_owned()],
    }
}

fn parse(query: &[(&str, &str)]) -> Result<Criteria, CriteriaError> {
    Criteria::from_query(query.iter().copied(), &user(), Limits::default())
}

fn cmp(attr: &str, op: Op, value: Value) -> Where {
    Where::Cmp {
        attr: attr.to_owned(),
        op,
        value,
    }
}

#[test]
fn no_query_is_every_record_with_the_defaults() {
    let c = parse(&[]).unwrap();
    assert_eq!(c.filter, []);
    assert_eq!((c.skip, c.limit), (0, 30));
    assert_eq!(c.populate, Populate::All);
    assert_eq!((c.select, c.omit), (None, Vec::<String>::new()));
}

#[test]
fn shorthand_reads_values_by_the_attributes_type() {
    let c = parse(&[("name", "scott"), ("id", "3"), ("admin", "true")]).unwrap();
    assert_eq!(
        c.filter,
        [
            cmp("name", Op::Eq, json!("scott")),
            cmp("id", Op::Eq, json!(3)),
            cmp("admin", Op::Eq, json!(true)),
        ]
    );
    // Repeated: any of them. JSON: as in `where`.
    let c = parse(&[("name", "a"), ("name", "b"), ("age", r#"{">": 20}"#)]).unwrap();
    assert_eq!(
        c.filter,
        [
            cmp("name", Op::In, json!(["a", "b"])),
            cmp("age", Op::Gt, json!(20)),
        ]
    );
}

#[test]
fn where_takes_every_operator_sails_documents() {
    let filter = json!({
        "name": {"contains": "co", "startsWith": "s", "endsWith": "t", "like": "s%t", "!=": "x"},
        "age": {"<": 10, "<=": 11, ">": "1", ">=": 2, "in": [1, 2], "nin": []},
        "admin": false,
        // An object is always conditions: JSON is compared through an operator.
        "meta": {"!=": {"any": ["json"]}},
        "or": [{"name": "a"}, {"age": null}],
        "and": [{"id": [1, 2, 3]}],
    })
    .to_string();
    let c = parse(&[("where", &filter)]).unwrap();
    let ops = |w: &Where| -> Vec<Op> {
        match w {
            Where::And(all) => all
                .iter()
                .map(|c| match c {
                    Where::Cmp { op, .. } => *op,
                    other => panic!("{other:?}"),
                })
                .collect(),
            Where::Cmp { op, .. } => vec![*op],
            Where::Or(_) => panic!("or"),
        }
    };
    // serde_json's map is sorted by key: admin, age, and, meta, name, or.
    assert_eq!(c.filter[0], cmp("admin", Op::Eq, json!(false)));
    assert_eq!(
        ops(&c.filter[1]),
        [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In, Op::Nin]
    );
    assert_eq!(
        c.filter[2],
        Where::And(vec![Where::And(vec![cmp("id", Op::In, json!([1, 2, 3]))])])
    );
    assert_eq!(c.filter[3], cmp("meta", Op::Ne, json!({"any": ["json"]})));
    assert_eq!(
        ops(&c.filter[4]),
        [Op::Ne, Op::Contains, Op::EndsWith, Op::Like, Op::StartsWith]
    );
    assert_eq!(
        c.filter[5],
        Where::Or(vec![
            Where::And(vec![cmp("name", Op::Eq, json!("a"))]),
            Where::And(vec![cmp("age", Op::Eq, Value::Null)]),
        ])
    );
    // A numeric string for a number is read as the number.
    let Where::And(age) = &c.filter[1] else {
        panic!()
    };
    assert_eq!(age[2], cmp("age", Op::Gt, json!(1)));
}

#[test]
fn sort_takes_each_form_sails_takes() {
    let by = |s: &str| parse(&[("sort", s)]).unwrap().sort;
    let asc = |a: &str| Sort {
        attr: a.to_owned(),
        direction: Direction::Asc,
    };
    let desc = |a: &str| Sort {
        attr: a.to_owned(),
        direction: Direction::Desc,
    };
    assert_eq!(by("name"), [asc("name")]);
    assert_eq!(by("name DESC"), [desc("name")]);
    assert_eq!(by("name asc, age desc"), [asc("name"), desc("age")]);
    // A JSON object keeps its keys' order.
    assert_eq!(by(r#"{"name": -1, "age": 1}"#), [desc("name"), asc("age")]);
    assert_eq!(
        by(r#"[{"name": "DESC"}, {"age": "asc"}]"#),
        [desc("name"), asc("age")]
    );
}

#[test]
fn select_omit_populate_skip_and_limit() {
    let c = parse(&[
        ("select", "name, age"),
        ("skip", "5"),
        ("limit", "35"),
        ("populate", "pets"),
    ])
    .unwrap();
    assert_eq!(c.select, Some(vec!["name".to_owned(), "age".to_owned()]));
    assert_eq!((c.skip, c.limit), (5, 35));
    assert_eq!(c.populate, Populate::Only(vec!["pets".to_owned()]));
    let c = parse(&[("omit", "meta"), ("populate", "false")]).unwrap();
    assert_eq!(c.omit, ["meta"]);
    assert_eq!(c.populate, Populate::None);
    // As the generated clients send them: JSON arrays of names; `[]` populates nothing.
    let c = parse(&[("select", r#"["name","age"]"#), ("populate", r#"["pets"]"#)]).unwrap();
    assert_eq!(c.select, Some(vec!["name".to_owned(), "age".to_owned()]));
    assert_eq!(c.populate, Populate::Only(vec!["pets".to_owned()]));
    let c = parse(&[("omit", r#"["meta"]"#), ("populate", "[]")]).unwrap();
    assert_eq!(c.omit, ["meta"]);
    assert_eq!(c.populate, Populate::None);
    assert!(parse(&[("select", r#"["nmae"]"#)]).is_err());
    assert!(
        parse(&[("select", r#"["name""#)])
            .unwrap_err()
            .to_string()
            .contains("`select` is not valid JSON")
    );
}

#[test]
fn each_bad_query_is_refused_with_a_sentence_that_names_the_problem() {
    let refused = |query: &[(&str, &str)], expected: &str| {
        let e = parse(query).expect_err(expected);
        assert!(
            e.to_string().contains(expected),
            "{e} does not say {expected:?}"
        );
    };
    refused(&[("where", "{name:")], "`where` is not valid JSON");
    refused(&[("where", "[1]")], "`where` must be a JSON object");
    refused(
        &[("where", r#"{"nmae": "x"}"#)],
        "`nmae` in `where` is not an attribute of `user`",
    );
    refused(&[("nmae", "x")], "`nmae` in the query is not an attribute");
    refused(
        &[("where", r#"{"name": {"~": "x"}}"#)],
        "`~` on `name` is not an operator",
    );
    refused(
        &[("where", r#"{"age": {"contains": "1"}}"#)],
        "`contains` cannot be used on `age`, which is a number",
    );
    refused(
        &[("where", r#"{"admin": {"<": true}}"#)],
        "`<` cannot be used on `admin`, which is a boolean",
    );
    refused(
        &[("where", r#"{"age": "old"}"#)],
        "`age` takes a number, not the string \"old\"",
    );
    refused(&[("age", "old")], "`age` takes a number");
    refused(
        &[("where", r#"{"name": 5}"#)],
        "`name` takes a string, not the number 5",
    );
    refused(
        &[("where", r#"{"age": {"in": 5}}"#)],
        "`age` takes an array with `in`",
    );
    refused(
        &[("where", r#"{"age": {}}"#)],
        "the condition on `age` has no operator",
    );
    refused(
        &[("where", r#"{"or": {}}"#)],
        "`or` takes a non-empty array",
    );
    refused(
        &[("where", r#"{"and": []}"#)],
        "`and` takes a non-empty array",
    );
    refused(&[("limit", "ten")], "`limit` must be a whole number");
    refused(&[("skip", "-1")], "`skip` must be a whole number");
    refused(&[("limit", "1001")], "`limit` is at most 1000, not 1001");
    refused(
        &[("sort", "name sideways")],
        "`name` has the direction the string \"sideways\"",
    );
    refused(&[("sort", "name asc extra")], "unexpected `extra`");
    refused(&[("sort", "nmae")], "`nmae` in `sort` is not an attribute");
    refused(
        &[("sort", r#"{"name": 2}"#)],
        "`name` has the direction the number 2",
    );
    refused(
        &[("select", "name,nmae")],
        "`nmae` in `select` is not an attribute",
    );
    refused(
        &[("select", "name"), ("omit", "age")],
        "`select` and `omit` cannot be used together",
    );
    refused(
        &[("populate", "cats")],
        "`cats` in `populate` is not an association of `user`",
    );
    refused(
        &[("limit", "1"), ("limit", "2")],
        "`limit` is given more than once",
    );
    let deep = format!(
        "{}{}",
        r#"{"or":[{"#.repeat(40).replace("{{", "{"),
        "}]}".repeat(40)
    );
    assert!(parse(&[("where", &deep)]).is_err());
}

#[test]
fn or_nests_only_so_deep() {
    let mut filter = json!({"name": "a"});
    for _ in 0..(MAX_DEPTH + 2) {
        filter = json!({ "or": [filter] });
    }
    assert_eq!(
        parse(&[("where", &filter.to_string())]),
        Err(CriteriaError::TooDeep)
    );
}

proptest! {
    /// Any query string is read or refused, never a panic.
    #[test]
    fn any_query_is_read_or_refused(
        pairs in proptest::collection::vec(
            (prop_oneof![
                Just("where".to_owned()), Just("sort".to_owned()), Just("limit".to_owned()),
                Just("skip".to_owned()), Just("select".to_owned()), Just("omit".to_owned()),
                Just("populate".to_owned()), Just("name".to_owned()), Just("age".to_owned()),
                ".{0,8}",
            ], ".{0,64}"),
            0..6,
        )
    ) {
        let _ = Criteria::from_query(pairs, &user(), Limits::default());
    }
}
