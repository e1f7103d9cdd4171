//! Sample values of every fixture type, serialized by the *original* types with serde_json:
//! the generated Rust types must read them and write the same JSON back, and the generated
//! TypeScript types must accept them (the samples are written to
//! `codegen/tests/golden/serde/samples.mts`, which `tests/node` type-checks with tsc).

#![allow(missing_docs, clippy::unwrap_used, dead_code, unreachable_pub)]

#[path = "../../../codegen/tests/fixtures/serde/src/types.rs"]
mod original;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use original::*;

fn profile(nick: Option<&str>, roles: Vec<Role>) -> Profile {
    Profile {
        user_id: 9_007_199_254_740_991,
        display_name: "Ada".into(),
        email: None,
        nickname: nick.map(str::to_owned),
        roles,
        cache: 7,
        score: 1.5,
        attributes: HashMap::from([("k".to_owned(), json!({ "nested": [1, null] }))]),
        by_year: BTreeMap::from([(2024, 3), (2025, 4)]),
        location: (1.25, -2.5),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
        born: chrono::NaiveDate::from_ymd_opt(1815, 12, 10),
        uid: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        balance: -42,
        level: 3,
        initial: 'A',
    }
}

fn tree() -> Tree {
    let leaf = Tree {
        label: "leaf".into(),
        children: vec![],
        favourite: None,
    };
    Tree {
        label: "root".into(),
        children: vec![leaf.clone()],
        favourite: Some(Box::new(leaf)),
    }
}

fn everything() -> Everything {
    Everything {
        profile: profile(Some("ada"), vec![Role::Reader, Role::SuperUser]),
        shapes: vec![
            Shape::Empty,
            Shape::Circle(2.0),
            Shape::Rect(1.0, 2.0),
            Shape::Polygon {
                points: vec![(0, 0), (1, -1)],
                closed: true,
            },
        ],
        events: vec![
            Event::LoggedIn { user: "ada".into() },
            Event::LoggedOut,
            Event::Moved(Point { x: 1, y: 2 }),
        ],
        messages: vec![
            Message::Text("hi".into()),
            Message::Pair(1, -1),
            Message::Ping,
            Message::Move { dx: -1, dy: 1 },
        ],
        values: vec![
            original::Value::Number(1.5),
            original::Value::Word("w".into()),
            original::Value::List(vec![original::Value::Number(2.0)]),
            original::Value::Object { key: "k".into() },
        ],
        located: Located {
            name: "here".into(),
            at: Point { x: 3, y: 4 },
            extra: BTreeMap::from([("colour".to_owned(), "red".to_owned())]),
        },
        page: Page {
            items: vec![Point { x: 0, y: 0 }],
            next: Some("cursor".into()),
        },
        id: UserId(77),
        email: Email {
            address: "ada@example.org".into(),
        },
        colour: Rgb(255, 128, 0),
        nothing: Nothing,
        tree: tree(),
        raw: json!({ "anything": ["goes", 1, true, null] }),
        known: well_known(),
    }
}

fn well_known() -> WellKnown {
    let uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    WellKnown {
        uuid,
        utc: chrono::DateTime::parse_from_rfc3339("2026-11-25T08:00:00.123Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
        fixed: chrono::DateTime::parse_from_rfc3339("2026-11-25T08:00:00+05:30").unwrap(),
        naive: chrono::NaiveDate::from_ymd_opt(2026, 2, 28)
            .unwrap()
            .and_hms_milli_opt(23, 59, 58, 250)
            .unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(1969, 7, 20).unwrap(),
        time: chrono::NaiveTime::from_hms_opt(20, 17, 40).unwrap(),
        url: url::Url::parse("https://example.org/a?b=c#d").unwrap(),
        ip: "2001:db8::1".parse().unwrap(),
        v4: "192.0.2.7".parse().unwrap(),
        v6: "::1".parse().unwrap(),
        socket: "[2001:db8::1]:8080".parse().unwrap(),
        price: "12345678901234567890.123456789".parse().unwrap(),
        bytes: bytes::Bytes::from_static(&[0, 1, 127, 128, 255]),
        by_id: BTreeMap::from([(uuid, 1)]),
    }
}

/// Serializes with the original type, decodes with the generated one, re-encodes: the JSON
/// must not change. Returns the JSON.
fn round_trip<O: Serialize, G: Serialize + DeserializeOwned>(value: &O) -> Value {
    let json = serde_json::to_value(value).unwrap();
    let generated: G = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("the generated type cannot read {json}: {e}"));
    assert_eq!(
        serde_json::to_value(&generated).unwrap(),
        json,
        "re-encoding changed the JSON"
    );
    json
}

#[test]
fn generated_types_read_and_write_what_serde_writes() {
    let mut samples: Vec<(&str, Value)> = Vec::new();
    samples.push((
        "Everything",
        round_trip::<_, fixtures_client::Everything>(&everything()),
    ));
    samples.push((
        "Profile",
        round_trip::<_, fixtures_client::Profile>(&profile(None, vec![])),
    ));
    for shape in everything().shapes {
        samples.push(("Shape", round_trip::<_, fixtures_client::Shape>(&shape)));
    }
    for event in everything().events {
        samples.push(("Event", round_trip::<_, fixtures_client::Event>(&event)));
    }
    for message in everything().messages {
        samples.push((
            "Message",
            round_trip::<_, fixtures_client::Message>(&message),
        ));
    }
    for value in everything().values {
        samples.push(("Value", round_trip::<_, fixtures_client::Value>(&value)));
    }
    samples.push((
        "Located",
        round_trip::<_, fixtures_client::Located>(&everything().located),
    ));
    samples.push((
        "Page<Point>",
        round_trip::<_, fixtures_client::Page<fixtures_client::Point>>(&everything().page),
    ));
    samples.push((
        "UserId",
        round_trip::<_, fixtures_client::UserId>(&UserId(1)),
    ));
    samples.push((
        "Email",
        round_trip::<_, fixtures_client::Email>(&Email {
            address: "a@b".into(),
        }),
    ));
    samples.push(("Rgb", round_trip::<_, fixtures_client::Rgb>(&Rgb(1, 2, 3))));
    samples.push((
        "Nothing",
        round_trip::<_, fixtures_client::Nothing>(&Nothing),
    ));
    samples.push(("Tree", round_trip::<_, fixtures_client::Tree>(&tree())));
    samples.push((
        "FixtureError",
        round_trip::<_, fixtures_client::FixtureError>(&FixtureError::NotFound("x".into())),
    ));
    samples.push((
        "FixtureError",
        round_trip::<_, fixtures_client::FixtureError>(&FixtureError::Forbidden),
    ));

    // Spot-check a few shapes against serde's documented representations.
    assert_eq!(
        samples.iter().find(|(n, _)| *n == "Rgb").unwrap().1,
        json!([1, 2, 3])
    );
    assert_eq!(
        serde_json::to_value(Message::Ping).unwrap(),
        json!({ "t": "Ping" })
    );
    assert_eq!(
        serde_json::to_value(Role::SuperUser).unwrap(),
        json!("root")
    );
    assert!(
        serde_json::to_value(profile(None, vec![]))
            .unwrap()
            .get("nickname")
            .is_none()
    );

    write_samples(&samples);
    write_openapi_samples(&samples);
}

/// The same samples typed with what openapi-typescript makes of the OpenAPI document's
/// schemas (`components["schemas"]`; a generic instance is `Page_Point`). `tests/node`
/// generates `openapi.d.ts` from `codegen/tests/golden/serde/openapi.json` and checks this
/// file against it with tsc.
fn write_openapi_samples(samples: &[(&str, Value)]) {
    let mut out = String::from(
        "// @generated by tests/fixtures-client/tests/roundtrip.rs: what serde_json writes for each\n// fixture type, typed with openapi-typescript's types for the OpenAPI document. Checked by\n// tsc in tests/node (openapi.test.js).\nimport type { components } from \"./openapi.js\";\n\ntype Schemas = components[\"schemas\"];\n\n",
    );
    for (i, (name, json)) in samples.iter().enumerate() {
        let component = name.replace('<', "_").replace('>', "");
        out.push_str(&format!(
            "export const sample{i}: Schemas[\"{component}\"] = {};\n",
            serde_json::to_string_pretty(json).unwrap()
        ));
    }
    check_golden("openapi-samples.mts", &out);
}

/// Compares (or with `UPDATE_GOLDEN`, writes) a golden file of the serde fixture.
fn check_golden(name: &str, out: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../codegen/tests/golden/serde")
        .join(name);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != out {
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, out).unwrap();
        } else {
            panic!(
                "{} is out of date: run `UPDATE_GOLDEN=1 cargo test -p fixtures-client`",
                path.display()
            );
        }
    }
}

/// The TypeScript half: every sample as a typed constant.
fn write_samples(samples: &[(&str, Value)]) {
    let mut names: Vec<&str> = samples
        .iter()
        .map(|(n, _)| n.split('<').next().unwrap())
        .chain(["Point"])
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out = String::from(
        "// @generated by tests/fixtures-client/tests/roundtrip.rs: what serde_json writes for each\n// fixture type, typed with the generated declarations. Checked by tsc in tests/node.\n",
    );
    out.push_str(&format!(
        "import type {{ {} }} from \"./index.js\";\n\n",
        names.join(", ")
    ));
    for (i, (name, json)) in samples.iter().enumerate() {
        out.push_str(&format!(
            "export const sample{i}: {name} = {};\n",
            serde_json::to_string_pretty(json).unwrap()
        ));
    }
    check_golden("samples.mts", &out);
}
