//! Who made a change, and the realtime messages the change owes, sent once it is committed.
//!
//! A model call collects its messages as [`Note`]s while its transaction runs and sends them
//! only after the commit, so no socket hears of a change that was rolled back. They go through
//! the runtime's resource verbs ([`Resource`](crate::Resource)), so rooms and payloads are
//! Sails' own and reach other nodes through Redis like every other push.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde_json::{Map, Value};

use crate::{Socket, Sockets};

/// Who is making a change or a query: the requesting socket (subscribed to what it finds or
/// creates, and left out of the messages about its own changes, as Sails' blueprints do), or
/// the server (every subscriber hears), or nobody (no messages, for tools and tests).
///
/// An extractor: take `Publish` in a custom handler and pass it to the
/// [model API](super::ModelRef), and the handler's changes are published as a blueprint
/// route's are.
#[derive(Debug, Clone, Default)]
pub struct Publish {
    sockets: Option<Sockets>,
    requester: Option<Socket>,
}

impl Publish {
    /// No messages and no subscriptions.
    pub fn nobody() -> Self {
        Publish::default()
    }

    /// Changes are told to every subscriber; nobody is subscribed.
    pub fn to(sockets: Sockets) -> Self {
        Publish {
            sockets: Some(sockets),
            requester: None,
        }
    }

    /// Changes are told to every subscriber but `socket`, which is subscribed to the records
    /// it finds and creates.
    pub fn from_socket(socket: Socket) -> Self {
        Publish {
            sockets: Some(socket.sockets().clone()),
            requester: Some(socket),
        }
    }

    fn omit(&self) -> Option<String> {
        self.requester.as_ref().map(Socket::id)
    }

    /// Subscribes the requesting socket to the records `ids` of `identity`, and with `watch`
    /// to the model's new records too (Sails' autoWatch).
    pub(crate) async fn subscribe(&self, identity: &str, ids: &[i64], watch: bool) {
        let Some(socket) = &self.requester else {
            return;
        };
        let resource = socket.sockets().resource(identity);
        let mut rooms: Vec<String> = ids.iter().map(|id| resource.room(id)).collect();
        if watch {
            rooms.push(resource.class_room());
        }
        if rooms.is_empty() {
            return;
        }
        // One join for them all: each join is a round of the adapter (and of Redis).
        if let Err(error) = socket.join(rooms).await {
            tracing::warn!(%error, identity, "could not subscribe a socket to the records it found");
        }
    }

    /// Sends `notes`, in order. The change is committed already, so a failure to publish is
    /// logged, not returned: the caller's answer must say what happened to the data.
    pub(crate) async fn send(&self, notes: Vec<Note>) {
        let Some(sockets) = &self.sockets else {
            return;
        };
        let omit = self.omit();
        let omit = omit.as_deref();
        for note in notes {
            let resource = sockets.resource(note.identity());
            let result = match &note {
                Note::Created { id, record, .. } => resource.created(id, record, omit).await,
                Note::Updated {
                    id, data, previous, ..
                } => resource.updated(id, data, Some(previous), omit).await,
                Note::Destroyed { id, previous, .. } => {
                    resource.destroyed(id, Some(previous), omit).await
                }
                Note::AddedTo {
                    id,
                    attribute,
                    added,
                    ..
                } => {
                    resource
                        .added_to(id, attribute, added, None::<&Value>, omit)
                        .await
                }
                Note::RemovedFrom {
                    id,
                    attribute,
                    removed,
                    ..
                } => resource.removed_from(id, attribute, removed, omit).await,
            };
            if let Err(error) = result {
                tracing::warn!(%error, identity = note.identity(), "a committed change could not be published");
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Publish {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(match parts.extensions.get::<Socket>() {
            Some(socket) => Publish::from_socket(socket.clone()),
            None => Publish {
                sockets: parts.extensions.get::<Sockets>().cloned(),
                requester: None,
            },
        })
    }
}

/// One message a change owes, in Sails' vocabulary.
#[derive(Debug, Clone)]
pub(crate) enum Note {
    /// A record was created: its model's watchers hear it.
    Created {
        identity: String,
        id: i64,
        record: Map<String, Value>,
    },
    /// A record changed: `data` holds what changed, with `id` and `updatedAt`.
    Updated {
        identity: String,
        id: i64,
        data: Map<String, Value>,
        previous: Map<String, Value>,
    },
    /// A record was destroyed.
    Destroyed {
        identity: String,
        id: i64,
        previous: Map<String, Value>,
    },
    /// `added` joined the collection `attribute` of `id`.
    AddedTo {
        identity: String,
        id: i64,
        attribute: String,
        added: i64,
    },
    /// `removed` left the collection `attribute` of `id`.
    RemovedFrom {
        identity: String,
        id: i64,
        attribute: String,
        removed: i64,
    },
}

impl Note {
    fn identity(&self) -> &str {
        match self {
            Note::Created { identity, .. }
            | Note::Updated { identity, .. }
            | Note::Destroyed { identity, .. }
            | Note::AddedTo { identity, .. }
            | Note::RemovedFrom { identity, .. } => identity,
        }
    }
}
