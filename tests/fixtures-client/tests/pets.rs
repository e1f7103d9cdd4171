//! The pets example's generated Rust client against the pets server (Sails' User / Pet pair
//! on blueprints): typed records, a typed `where`, sort keys, `select` and `populate` names,
//! every action, the error body, and the typed change messages of a watching socket.

#![allow(missing_docs, clippy::unwrap_used)]

use std::time::Duration;

use fixtures_client::pets::{
    BlueprintError, Client, PetValues, RecordOrId, SortDirection, UserAssociation, UserAttribute,
    UserChange, UserFind, UserFindOne, UserSort, UserValues, UserWhere, WhereInteger,
    WhereIntegerOps, WhereString, WhereStringOps,
};
use sailroute_client::{ClientError, JsonText, ResourceMessage};
use tokio::sync::mpsc;

async fn server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (_models, app) = pets::app("sqlite::memory:").await.unwrap();
    let server = sailroute::Server::builder(app).build().unwrap();
    tokio::spawn(server.serve(listener));
    url
}

fn user(name: &str) -> UserValues {
    UserValues {
        // `Some(None)` would set it to null; `None` leaves it alone.
        name: Some(Some(name.to_owned())),
        ..UserValues::default()
    }
}

fn names(users: &[fixtures_client::pets::User]) -> Vec<&str> {
    users.iter().filter_map(|u| u.name.as_deref()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blueprint_routes_through_the_typed_client() {
    let url = server().await;
    let ann = Client::connect(&url).await.unwrap();
    let http = Client::http(&url).unwrap();

    // A watcher hears typed change messages.
    let watcher = Client::connect(&url).await.unwrap();
    let (tx, mut changes) = mpsc::unbounded_channel::<UserChange>();
    watcher.on_user(move |change| drop(tx.send(change)));
    assert!(
        watcher
            .user_find(&UserFind::default())
            .await
            .unwrap()
            .is_empty()
    );

    let mut ids = Vec::new();
    for name in ["amy", "bob", "Bobby", "zed"] {
        ids.push(ann.user_create(&user(name)).await.unwrap().id);
    }
    match tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .unwrap()
        .unwrap()
    {
        ResourceMessage::Created { id, data, .. } => {
            assert_eq!(id, ids[0]);
            assert_eq!(data.name.as_deref(), Some("amy"));
        }
        other => panic!("expected created, got {other:?}"),
    }

    // A typed where, over a socket and over HTTP alike.
    let query = UserFind {
        r#where: Some(JsonText(UserWhere {
            name: Some(WhereString::Ops(Box::new(WhereStringOps {
                starts_with: Some("b".into()),
                ..WhereStringOps::default()
            }))),
            ..UserWhere::default()
        })),
        sort: Some(JsonText(vec![UserSort::Id(SortDirection::Desc)])),
        ..UserFind::default()
    };
    for client in [&ann, &http] {
        let found = client.user_find(&query).await.unwrap();
        assert_eq!(names(&found), ["Bobby", "bob"]);
    }
    let query = UserFind {
        r#where: Some(JsonText(UserWhere {
            or: Some(vec![
                UserWhere {
                    name: Some(WhereString::Is("amy".into())),
                    ..UserWhere::default()
                },
                UserWhere {
                    id: Some(WhereInteger::Ops(Box::new(WhereIntegerOps {
                        ge: Some(ids[3]),
                        ..WhereIntegerOps::default()
                    }))),
                    ..UserWhere::default()
                },
            ]),
            ..UserWhere::default()
        })),
        select: Some(vec![UserAttribute::Name].into()),
        limit: Some(10),
        ..UserFind::default()
    };
    let found = http.user_find(&query).await.unwrap();
    assert_eq!(names(&found), ["amy", "zed"]);
    assert_eq!(
        found[0].created_at, None,
        "select leaves the timestamps out"
    );

    // Every operator, typed.
    let int = |ops: WhereIntegerOps| Some(WhereInteger::Ops(Box::new(ops)));
    let text = |ops: WhereStringOps| Some(WhereString::Ops(Box::new(ops)));
    let from_amy = || {
        int(WhereIntegerOps {
            ge: Some(ids[0]),
            ..WhereIntegerOps::default()
        })
    };
    let cases: Vec<(UserWhere, &[&str])> = vec![
        (
            UserWhere {
                name: Some(WhereString::OneOf(vec!["amy".into(), "zed".into()])),
                ..UserWhere::default()
            },
            &["amy", "zed"],
        ),
        (
            UserWhere {
                id: int(WhereIntegerOps {
                    lt: Some(ids[2]),
                    ge: Some(ids[0]),
                    ..WhereIntegerOps::default()
                }),
                ..UserWhere::default()
            },
            &["amy", "bob"],
        ),
        (
            UserWhere {
                id: int(WhereIntegerOps {
                    le: Some(ids[1]),
                    gt: Some(ids[0]),
                    ..WhereIntegerOps::default()
                }),
                ..UserWhere::default()
            },
            &["bob"],
        ),
        (
            UserWhere {
                name: text(WhereStringOps {
                    ne: Some(Some("amy".into())),
                    ..WhereStringOps::default()
                }),
                id: from_amy(),
                ..UserWhere::default()
            },
            &["bob", "Bobby", "zed"],
        ),
        (
            UserWhere {
                id: int(WhereIntegerOps {
                    r#in: Some(vec![ids[1], ids[3]]),
                    ..WhereIntegerOps::default()
                }),
                ..UserWhere::default()
            },
            &["bob", "zed"],
        ),
        (
            UserWhere {
                id: int(WhereIntegerOps {
                    nin: Some(vec![ids[1], ids[3]]),
                    ge: Some(ids[0]),
                    ..WhereIntegerOps::default()
                }),
                ..UserWhere::default()
            },
            &["amy", "Bobby"],
        ),
        (
            UserWhere {
                name: text(WhereStringOps {
                    contains: Some("OB".into()),
                    ..WhereStringOps::default()
                }),
                ..UserWhere::default()
            },
            &["bob", "Bobby"],
        ),
        (
            UserWhere {
                name: text(WhereStringOps {
                    ends_with: Some("by".into()),
                    ..WhereStringOps::default()
                }),
                ..UserWhere::default()
            },
            &["Bobby"],
        ),
        (
            UserWhere {
                name: text(WhereStringOps {
                    like: Some("b%b".into()),
                    ..WhereStringOps::default()
                }),
                ..UserWhere::default()
            },
            &["bob"],
        ),
        (
            UserWhere {
                name: text(WhereStringOps {
                    gt: Some("y".into()),
                    ..WhereStringOps::default()
                }),
                ..UserWhere::default()
            },
            &["zed"],
        ),
        (
            UserWhere {
                and: Some(vec![
                    UserWhere {
                        id: int(WhereIntegerOps {
                            ge: Some(ids[1]),
                            ..WhereIntegerOps::default()
                        }),
                        ..UserWhere::default()
                    },
                    UserWhere {
                        created_at: int(WhereIntegerOps {
                            gt: Some(0),
                            ..WhereIntegerOps::default()
                        }),
                        ..UserWhere::default()
                    },
                ]),
                ..UserWhere::default()
            },
            &["bob", "Bobby", "zed"],
        ),
    ];
    for (r#where, expected) in cases {
        let query = UserFind {
            r#where: Some(JsonText(r#where)),
            ..UserFind::default()
        };
        for client in [&ann, &http] {
            let found = client.user_find(&query).await.unwrap();
            assert_eq!(names(&found), expected, "{:?}", query.r#where);
        }
    }

    // Associations: a pet with an owner, populated as a record or as its id.
    let rex = ann
        .pet_create(&PetValues {
            name: Some(Some("rex".into())),
            owner: Some(Some(ids[1])),
        })
        .await
        .unwrap();
    match &rex.owner {
        Some(RecordOrId::Record(owner)) => assert_eq!(owner.name.as_deref(), Some("bob")),
        other => panic!("expected the populated owner, got {other:?}"),
    }
    let bob = http
        .user_find_one(
            ids[1],
            &UserFindOne {
                populate: Some(vec![UserAssociation::Pets].into()),
                ..UserFindOne::default()
            },
        )
        .await
        .unwrap();
    let pets = bob.pets.unwrap();
    assert_eq!(pets.len(), 1);
    assert!(matches!(pets[0].owner, Some(RecordOrId::Id(id)) if id == ids[1]));
    let unpopulated = http
        .user_find_one(
            ids[1],
            &UserFindOne {
                populate: Some(Vec::new().into()),
                ..UserFindOne::default()
            },
        )
        .await
        .unwrap();
    assert!(unpopulated.pets.is_none());

    // add, populate, remove, replace, update, destroy.
    let amy = ann.user_add_pets(ids[0], rex.id).await.unwrap();
    assert_eq!(amy.pets.unwrap()[0].id, rex.id);
    assert_eq!(http.user_populate_pets(ids[0]).await.unwrap()[0].id, rex.id);
    assert_eq!(
        http.pet_populate_owner(rex.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("amy")
    );
    let amy = ann.user_remove_pets(ids[0], rex.id).await.unwrap();
    assert!(amy.pets.unwrap().is_empty());
    let zed = ann.user_replace_pets(ids[3], &vec![rex.id]).await.unwrap();
    assert_eq!(zed.pets.unwrap().len(), 1);
    let renamed = http.user_update(ids[3], &user("zedd")).await.unwrap();
    assert_eq!(renamed.name.as_deref(), Some("zedd"));
    let gone = http.user_destroy(ids[2]).await.unwrap();
    assert_eq!(gone.name.as_deref(), Some("Bobby"));

    // The error body, typed.
    match http.user_find_one(999, &UserFindOne::default()).await {
        Err(ClientError::Status { status, body, .. }) => {
            assert_eq!(status, 404);
            let body: BlueprintError = body.unwrap();
            assert_eq!(body.error, "not_found");
            assert_eq!(body.message, "no `user` has the id 999");
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    match ann.pet_populate_owner(rex.id + 100).await {
        Err(ClientError::Status { status, .. }) => assert_eq!(status, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}
