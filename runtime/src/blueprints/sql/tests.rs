//! Each operator and option, run on real databases through sqlx: SQLite in memory, and a
//! PostgreSQL server this test starts in a scratch directory (`initdb` and `pg_ctl` from
//! Debian's `postgresql`, which the test command installs).

use std::path::PathBuf;
use std::process::Command;

use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Column, Row};

use super::*;
use crate::blueprints::{Attribute, Criteria, Limits};
use serde_json::Map;

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
            attr("name", AttrType::String),
            attr("age", AttrType::Number),
            attr("admin", AttrType::Boolean),
            attr("meta", AttrType::Json),
        ],
        associations: vec!["pets".to_owned()],
    }
}

/// `user` without its `Number` attribute (`age`): a model whose records SQLite can hand back
/// as one JSON row.
fn exact() -> ModelSchema {
    let mut model = user();
    model.attributes.retain(|a| a.ty != AttrType::Number);
    model
}

type UserRow = (i64, Option<&'static str>, Option<f64>, bool, &'static str);

const ROWS: [UserRow; 6] = [
    (1, Some("scott"), Some(30.0), true, r#"{"a":1}"#),
    (2, Some("Scotty"), Some(25.5), false, "null"),
    (3, Some("50%_off"), None, false, "[]"),
    (4, Some("irl"), Some(41.0), true, r#""x""#),
    (5, None, Some(30.0), false, "1"),
    (6, Some("a\\b"), Some(7.0), false, "2"),
];

/// A query string and the ids it finds, in order.
type Case = (&'static [(&'static str, &'static str)], &'static [i64]);

/// Query strings and the ids they find, in order, on every backend.
const CASES: &[Case] = &[
    (&[], &[1, 2, 3, 4, 5, 6]),
    (&[("name", "scott")], &[1]),
    (&[("id", "3")], &[3]),
    (&[("admin", "true")], &[1, 4]),
    (&[("name", "scott"), ("name", "irl")], &[1, 4]),
    (&[("where", r#"{"age": {"<": 30}}"#)], &[2, 6]),
    (&[("where", r#"{"age": {"<=": 30}}"#)], &[1, 2, 5, 6]),
    (&[("where", r#"{"age": {">": 30}}"#)], &[4]),
    (&[("where", r#"{"age": {">=": 30, "<": 41}}"#)], &[1, 5]),
    (&[("where", r#"{"age": {"<": 25.75}}"#)], &[2, 6]),
    // `!=` keeps nulls, as Sails' in-memory adapter does.
    (&[("where", r#"{"age": {"!=": 30}}"#)], &[2, 3, 4, 6]),
    (&[("where", r#"{"name": null}"#)], &[5]),
    (&[("where", r#"{"name": {"!=": null}}"#)], &[1, 2, 3, 4, 6]),
    (&[("where", r#"{"id": [2, 4]}"#)], &[2, 4]),
    (&[("where", r#"{"id": {"in": []}}"#)], &[]),
    (&[("where", r#"{"age": {"nin": [30, 41]}}"#)], &[2, 3, 6]),
    (&[("where", r#"{"age": {"nin": []}}"#)], &[1, 2, 3, 4, 5, 6]),
    // Literal text: `%`, `_` and `\` are not wildcards; ASCII case is ignored.
    (&[("where", r#"{"name": {"contains": "cot"}}"#)], &[1, 2]),
    (&[("where", r#"{"name": {"contains": "%_"}}"#)], &[3]),
    (&[("where", r#"{"name": {"contains": "\\"}}"#)], &[6]),
    (
        &[("where", r#"{"name": {"startsWith": "SCOTT"}}"#)],
        &[1, 2],
    ),
    (&[("where", r#"{"name": {"endsWith": "ty"}}"#)], &[2]),
    (&[("where", r#"{"name": {"like": "s%t"}}"#)], &[1]),
    (&[("where", r#"{"name": {"like": "50\\%\\_%"}}"#)], &[3]),
    (
        &[("where", r#"{"or": [{"name": "irl"}, {"age": {"<": 10}}]}"#)],
        &[4, 6],
    ),
    (&[("where", r#"{"or": []}"#)], &[]),
    (
        &[(
            "where",
            r#"{"and": [{"admin": false}, {"age": {">": 20}}]}"#,
        )],
        &[2, 5],
    ),
    (
        &[("where", r#"{"meta": {"!=": {"a": 1}}}"#)],
        &[2, 3, 4, 5, 6],
    ),
    // An array is `in`, for a JSON attribute too; a JSON string is compared as JSON.
    (&[("meta", "[]")], &[]),
    (&[("meta", r#""x""#)], &[4]),
    // Null is the smallest value either way.
    (&[("sort", "age desc")], &[4, 1, 5, 2, 6, 3]),
    // Sorts without `age`, so that the JSON path's order is tested too.
    (&[("sort", "admin DESC")], &[1, 4, 2, 3, 5, 6]),
    (
        &[("sort", r#"[{"admin": "ASC"}, {"id": "DESC"}]"#)],
        &[6, 5, 3, 2, 4, 1],
    ),
    (&[("sort", "age")], &[3, 6, 2, 1, 5, 4]),
    (
        &[("sort", r#"[{"admin": "DESC"}, {"age": 1}]"#)],
        &[1, 4, 3, 6, 2, 5],
    ),
    (&[("skip", "2"), ("limit", "2")], &[3, 4]),
    (&[("limit", "0")], &[]),
];

fn criteria(query: &[(&str, &str)]) -> Criteria {
    Criteria::from_query(query.iter().copied(), &user(), Limits::default()).unwrap()
}

async fn sqlite() -> sqlx::SqlitePool {
    // One connection: an in-memory database lives as long as its connection.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::query(
        "CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT, age REAL, admin BOOLEAN, meta TEXT)",
    )
    .execute(&pool)
    .await
    .unwrap();
    for (id, name, age, admin, meta) in ROWS {
        sqlx::query("INSERT INTO user (id, name, age, admin, meta) VALUES (?, ?, ?, ?, ?)")
            .bind(id)
            .bind(name)
            .bind(age)
            .bind(admin)
            .bind(meta)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool
}

#[tokio::test]
async fn every_operator_and_option_on_sqlite() {
    let db = sqlite().await;
    let mut json_cases = 0;
    for (query, expected) in CASES {
        let (sql, values) = select("user", &user(), &criteria(query), Backend::Sqlite);
        let found: Vec<i64> = sqlx::query_with(&sql, values)
            .fetch_all(&db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|row| row.get::<i64, _>("id"))
            .collect();
        assert_eq!(found, *expected, "{query:?}: {sql}");
        // The same records, in the same order, as the one JSON row the store reads on SQLite,
        // for every query a model without the `Number` attribute takes.
        let Ok(taken) = Criteria::from_query(query.iter().copied(), &exact(), Limits::default())
        else {
            continue;
        };
        json_cases += 1;
        let (sql, values) = select_json("user", &exact(), &taken).expect("no Number attribute");
        let text: String = sqlx::query_scalar_with(&sql, values)
            .fetch_one(&db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let records: Vec<Map<String, serde_json::Value>> = serde_json::from_str(&text).unwrap();
        let found: Vec<i64> = records.iter().filter_map(|r| r["id"].as_i64()).collect();
        assert_eq!(found, *expected, "as JSON, {query:?}: {sql}");
    }
    assert!(json_cases >= 24, "{json_cases} queries read as JSON");
    let (sql, values) = select_json("user", &exact(), &criteria(&[("omit", "meta,admin")]))
        .expect("no Number attribute");
    let text: String = sqlx::query_scalar_with(&sql, values)
        .fetch_one(&db)
        .await
        .unwrap();
    let first: Vec<Map<String, serde_json::Value>> = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = first[0].keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "name"]);
    // A `Number` attribute among those selected keeps the exact row path: SQLite writes a
    // double into JSON with 15 significant digits.
    assert!(select_json("user", &user(), &criteria(&[("omit", "meta")])).is_none());
    assert!(select_json("user", &user(), &criteria(&[("omit", "age")])).is_some());
    let (sql, values) = select(
        "user",
        &user(),
        &criteria(&[("select", "name")]),
        Backend::Sqlite,
    );
    let row = sqlx::query_with(&sql, values).fetch_one(&db).await.unwrap();
    let names: Vec<&str> = row.columns().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["id", "name"]);
    let (sql, values) = select(
        "user",
        &user(),
        &criteria(&[("omit", "meta,admin")]),
        Backend::Sqlite,
    );
    let row = sqlx::query_with(&sql, values).fetch_one(&db).await.unwrap();
    let names: Vec<&str> = row.columns().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["id", "name", "age"]);
}

/// A PostgreSQL server in a scratch directory, stopped on drop.
struct Postgres {
    dir: PathBuf,
    port: u16,
    /// `runuser -u postgres --` when running as root (the server refuses root).
    prefix: Vec<String>,
}

/// Where Debian's `postgresql` puts `initdb` and `pg_ctl` (not on `PATH`).
fn pg_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// `program`, run through `prefix` (`runuser -u postgres --` as root).
fn as_server_user(prefix: &[String], program: &std::path::Path) -> Command {
    match prefix.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => Command::new(program),
    }
}

impl Postgres {
    fn start() -> Postgres {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout == b"0\n")
            .unwrap_or(false);
        let prefix: Vec<String> = if root {
            ["runuser", "-u", "postgres", "--"]
                .map(String::from)
                .to_vec()
        } else {
            Vec::new()
        };
        // One directory per server: the tests of one process start several.
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sailroute-pg-{}-{n}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        if root {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown of the scratch directory");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let run = |program: PathBuf, args: Vec<String>| {
            let mut command = as_server_user(&prefix, &program);
            let output = command
                .args(&args)
                .output()
                .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
            assert!(
                output.status.success(),
                "{} failed: {}{}",
                program.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        let data = dir.join("data").display().to_string();
        run(
            pg_bin("initdb"),
            vec![
                "-D".into(),
                data.clone(),
                "-U".into(),
                "postgres".into(),
                "--auth=trust".into(),
                "-E".into(),
                "UTF8".into(),
            ],
        );
        run(
            pg_bin("pg_ctl"),
            vec![
                "-D".into(),
                data,
                "-l".into(),
                dir.join("log").display().to_string(),
                "-w".into(),
                "-o".into(),
                format!(
                    "-p {port} -c listen_addresses=127.0.0.1 -k {}",
                    dir.display()
                ),
                "start".into(),
            ],
        );
        Postgres { dir, port, prefix }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let mut command = as_server_user(&self.prefix, &pg_bin("pg_ctl"));
        command
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output()
            .ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

#[tokio::test]
async fn every_operator_and_option_on_postgres() {
    let server = Postgres::start();
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port);
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE \"user\" (id BIGINT PRIMARY KEY, name TEXT, age DOUBLE PRECISION, admin BOOLEAN, meta TEXT)")
        .execute(&db)
        .await
        .unwrap();
    for (id, name, age, admin, meta) in ROWS {
        sqlx::query(
            "INSERT INTO \"user\" (id, name, age, admin, meta) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(name)
        .bind(age)
        .bind(admin)
        .bind(meta)
        .execute(&db)
        .await
        .unwrap();
    }
    for (query, expected) in CASES {
        let (sql, values) = select("user", &user(), &criteria(query), Backend::Postgres);
        let found: Vec<i64> = sqlx::query_with(&sql, values)
            .fetch_all(&db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|row| row.get::<i64, _>("id"))
            .collect();
        assert_eq!(found, *expected, "{query:?}: {sql}");
    }
    db.close().await;
}

/// The model's table, created, written and read back through the statements of
/// [`write`](super::write), on one database: `$db` a pool, `$backend` its [`Backend`].
macro_rules! round_trip {
    ($db:expr, $backend:expr) => {{
        let db = $db;
        let backend = $backend;
        sqlx::query(&create_table("user", &user(), backend))
            .execute(&db)
            .await
            .unwrap();
        // Twice: `IF NOT EXISTS`.
        sqlx::query(&create_table("user", &user(), backend))
            .execute(&db)
            .await
            .unwrap();
        let record = |v: serde_json::Value| v.as_object().unwrap().clone();
        let mut ids = Vec::new();
        for value in [
            serde_json::json!({"name": "scott", "age": 30, "admin": true, "meta": {"a": 1}}),
            serde_json::json!({"name": "irl", "age": "41.5", "meta": null}),
            serde_json::json!({}),
        ] {
            let (sql, values) = insert("user", &user(), &record(value), backend).unwrap();
            let row = sqlx::query_with(&sql, values)
                .fetch_one(&db)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            ids.push(row.get::<i64, _>("id"));
        }
        assert_eq!(ids, [1, 2, 3]);
        let (sql, values) =
            update("user", &user(), 2, &record(serde_json::json!({"admin": false, "name": null})), backend)
                .unwrap()
                .unwrap();
        let done = sqlx::query_with(&sql, values).execute(&db).await.unwrap();
        assert_eq!(done.rows_affected(), 1);
        assert!(update("user", &user(), 2, &Map::new(), backend).unwrap().is_none());
        let (sql, values) = delete("user", &user(), 3, backend);
        assert_eq!(sqlx::query_with(&sql, values).execute(&db).await.unwrap().rows_affected(), 1);

        let find = |query: &'static [(&'static str, &'static str)]| criteria(query);
        let (sql, values) = select("user", &user(), &find(&[("admin", "false")]), backend);
        let rows = sqlx::query_with(&sql, values).fetch_all(&db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get::<i64, _>("id"), 2);
        assert_eq!(rows[0].get::<Option<String>, _>("name"), None);
        assert_eq!(rows[0].get::<Option<f64>, _>("age"), Some(41.5));
        let (sql, values) = select("user", &user(), &find(&[("where", r#"{"meta": {"!=": null}}"#)]), backend);
        let rows = sqlx::query_with(&sql, values).fetch_all(&db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get::<String, _>("meta"), r#"{"a":1}"#);

        // Refused before any SQL: an unknown attribute, a wrong type, the primary key.
        for (bad, says) in [
            (serde_json::json!({"nmae": "x"}), "`nmae` in the record is not an attribute"),
            (serde_json::json!({"age": "old"}), "`age` takes a number"),
            (serde_json::json!({"id": 9}), "`id` in the record"),
        ] {
            let e = insert("user", &user(), &record(bad), backend).unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
    }};
}

#[tokio::test]
async fn records_are_created_updated_and_destroyed_on_sqlite() {
    let db = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    round_trip!(db, Backend::Sqlite);
}

#[tokio::test]
async fn records_are_created_updated_and_destroyed_on_postgres() {
    let server = Postgres::start();
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port);
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    round_trip!(db.clone(), Backend::Postgres);
    db.close().await;
}

#[test]
fn a_model_too_wide_for_json_object_is_read_row_by_row() {
    let mut wide = user();
    wide.attributes = (0..=JSON_SELECT_MAX_ATTRIBUTES)
        .map(|i| Attribute {
            name: format!("a{i}"),
            ty: AttrType::String,
        })
        .collect();
    assert!(select_json("wide", &wide, &criteria(&[])).is_none());
    wide.attributes.pop();
    assert!(select_json("wide", &wide, &criteria(&[])).is_some());
}
