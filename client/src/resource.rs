//! Resourceful pub-sub messages as Sails writes them.

use serde_json::Value;

/// A resourceful pub-sub message (the identity's event), as Sails writes it: `T` is the
/// record type, `Id` its primary key.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "verb")]
pub enum ResourceMessage<T, Id> {
    /// A record was created (sent to watchers of the class room).
    #[serde(rename = "created")]
    Created {
        /// The new record.
        data: T,
        /// Its primary key.
        id: Id,
    },
    /// A record changed.
    #[serde(rename = "updated")]
    Updated {
        /// The changed values (any subset of the record).
        data: Value,
        /// The primary key.
        id: Id,
        /// The record before the change, when the server sent it.
        previous: Option<T>,
    },
    /// A record was deleted; its subscribers are unsubscribed.
    #[serde(rename = "destroyed")]
    Destroyed {
        /// The primary key.
        id: Id,
        /// The record as it was, when the server sent it.
        previous: Option<T>,
    },
    /// A child record joined one of the record's collections.
    #[serde(rename = "addedTo")]
    AddedTo {
        /// The parent's primary key.
        id: Id,
        /// The collection.
        attribute: String,
        /// The child's primary key.
        #[serde(rename = "addedId")]
        added_id: Value,
        /// The child, when the server sent it.
        added: Option<Value>,
    },
    /// A child record left one of the record's collections.
    #[serde(rename = "removedFrom")]
    RemovedFrom {
        /// The parent's primary key.
        id: Id,
        /// The collection.
        attribute: String,
        /// The child's primary key.
        #[serde(rename = "removedId")]
        removed_id: Value,
    },
}
