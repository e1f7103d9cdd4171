//! Typed events and Sails' resourceful pub-sub: room names, verbs and payloads exactly as
//! Sails writes them, so sails.io.js listeners work unchanged and generated clients get a
//! typed union of the messages.

use std::fmt::Display;
use std::marker::PhantomData;

use serde::Serialize;

use crate::sockets::{Socket, Sockets, SocketsError};

/// A serde type that travels as one Socket.IO event, named once: implemented by
/// `#[sailroute::event("name")]`.
///
/// ```
/// use serde::Serialize;
///
/// /// A chat line.
/// #[sailroute::event("message")]
/// #[derive(Serialize)]
/// struct ChatMessage { text: String }
///
/// assert_eq!(<ChatMessage as sailroute::Event>::NAME, "message");
/// ```
pub trait Event: Serialize {
    /// The Socket.IO event name.
    const NAME: &'static str;
}

/// A record type published with Sails' resourceful pub-sub: implemented by
/// `#[sailroute::resource("pet")]` (or `#[sailroute::resource("pet", id = String)]`; the
/// primary key defaults to `u64`).
pub trait ResourceRecord: Serialize {
    /// The identity: the event name and the middle of the room names.
    const IDENTITY: &'static str;
    /// The primary key's type (numbers stay numbers on the wire, strings strings).
    type Id: Serialize + Display + Send + Sync;
}

impl Sockets {
    /// Sends a typed event to every socket in `rooms`, except `omit`.
    pub async fn send<E: Event + ?Sized>(
        &self,
        rooms: impl Into<crate::Rooms>,
        event: &E,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.broadcast(rooms, E::NAME, event, omit).await
    }

    /// Sends a typed event to every connected socket, except `omit`.
    pub async fn send_all<E: Event + ?Sized>(
        &self,
        event: &E,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.blast(E::NAME, event, omit).await
    }

    /// Sends a typed event to one socket, wherever it is connected.
    pub async fn send_to<E: Event + ?Sized>(
        &self,
        socket_id: &str,
        event: &E,
    ) -> Result<(), SocketsError> {
        self.emit_to(socket_id, E::NAME, event).await
    }

    /// Sails' resourceful pub-sub for the model `identity` (`"pet"`), untyped.
    pub fn resource(&self, identity: &str) -> Resource {
        Resource {
            sockets: self.clone(),
            identity: identity.to_owned(),
        }
    }

    /// Resourceful pub-sub for a `#[sailroute::resource]` record type.
    pub fn resource_of<R: ResourceRecord>(&self) -> TypedResource<R> {
        TypedResource {
            inner: self.resource(R::IDENTITY),
            record: PhantomData,
        }
    }
}

impl Socket {
    /// Sends a typed event to this socket.
    pub async fn send<E: Event + ?Sized>(&self, event: &E) -> Result<(), SocketsError> {
        self.emit(E::NAME, event).await
    }
}

/// `{verb: "created", data, id}`
#[derive(Serialize)]
struct Created<'a, R: ?Sized, I> {
    verb: &'static str,
    data: &'a R,
    id: I,
}

/// `{verb: "updated", data, id, previous?}`
#[derive(Serialize)]
struct Updated<'a, D: ?Sized, I, P> {
    verb: &'static str,
    data: &'a D,
    id: I,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<&'a P>,
}

/// `{verb: "destroyed", id, previous?}`
#[derive(Serialize)]
struct Destroyed<'a, I, P> {
    verb: &'static str,
    id: I,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<&'a P>,
}

/// `{id, verb: "addedTo", attribute, addedId, added?}`
#[derive(Serialize)]
struct AddedTo<'a, I, C, A> {
    id: I,
    verb: &'static str,
    attribute: &'a str,
    #[serde(rename = "addedId")]
    added_id: C,
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<&'a A>,
}

/// `{id, verb: "removedFrom", attribute, removedId}`
#[derive(Serialize)]
struct RemovedFrom<'a, I, C> {
    id: I,
    verb: &'static str,
    attribute: &'a str,
    #[serde(rename = "removedId")]
    removed_id: C,
}

/// One model's rooms and messages, as Sails names and shapes them. The event name of every
/// message is the identity. `omit` (a socket id) leaves the requesting socket out, as Sails'
/// blueprints do unless `mirror` is set: pass `None` to mirror.
#[derive(Debug, Clone)]
pub struct Resource {
    sockets: Sockets,
    identity: String,
}

impl Resource {
    /// The identity (event name).
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The room of one record: `sails_model_<identity>_<id>:<identity>`.
    pub fn room(&self, id: impl Display) -> String {
        format!("sails_model_{0}_{id}:{0}", self.identity)
    }

    /// The class room, whose members hear about new records: `sails_model_create_<identity>`.
    pub fn class_room(&self) -> String {
        format!("sails_model_create_{}", self.identity)
    }

    /// Subscribes `socket` to the records `ids`.
    pub async fn subscribe<I: Display>(
        &self,
        socket: &Socket,
        ids: impl IntoIterator<Item = I>,
    ) -> Result<(), SocketsError> {
        let rooms: Vec<String> = ids.into_iter().map(|id| self.room(id)).collect();
        if rooms.is_empty() {
            return Ok(());
        }
        socket.join(rooms).await
    }

    /// Unsubscribes `socket` from the records `ids`.
    pub async fn unsubscribe<I: Display>(
        &self,
        socket: &Socket,
        ids: impl IntoIterator<Item = I>,
    ) -> Result<(), SocketsError> {
        let rooms: Vec<String> = ids.into_iter().map(|id| self.room(id)).collect();
        if rooms.is_empty() {
            return Ok(());
        }
        socket.leave(rooms).await
    }

    /// Puts `socket` in the class room: it hears `created`, and is subscribed to each new
    /// record.
    pub async fn watch(&self, socket: &Socket) -> Result<(), SocketsError> {
        socket.join(self.class_room()).await
    }

    /// Takes `socket` out of the class room.
    pub async fn unwatch(&self, socket: &Socket) -> Result<(), SocketsError> {
        socket.leave(self.class_room()).await
    }

    /// Sends `data` verbatim (no verb) to the subscribers of each of `ids`.
    pub async fn publish<I: Display, T: Serialize + ?Sized>(
        &self,
        ids: impl IntoIterator<Item = I>,
        data: &T,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        let rooms: Vec<String> = ids.into_iter().map(|id| self.room(id)).collect();
        if rooms.is_empty() {
            return Ok(());
        }
        self.sockets
            .broadcast(rooms, &self.identity, data, omit)
            .await
    }

    /// `created`: tells the class room about a new record, then subscribes the watchers to
    /// it (Sails' `_publishCreate` then `_introduce`).
    pub async fn created<I, R>(
        &self,
        id: I,
        record: &R,
        omit: Option<&str>,
    ) -> Result<(), SocketsError>
    where
        I: Serialize + Display,
        R: Serialize + ?Sized,
    {
        let room = self.room(&id);
        let message = Created {
            verb: "created",
            data: record,
            id,
        };
        self.sockets
            .broadcast(self.class_room(), &self.identity, &message, omit)
            .await?;
        self.sockets
            .add_room_members_to_rooms(&self.class_room(), room)
            .await
    }

    /// `updated`: tells the record's subscribers what changed (`data`), with the record as it
    /// was before when given.
    pub async fn updated<I, D, P>(
        &self,
        id: I,
        data: &D,
        previous: Option<&P>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError>
    where
        I: Serialize + Display,
        D: Serialize + ?Sized,
        P: Serialize,
    {
        let room = self.room(&id);
        let message = Updated {
            verb: "updated",
            data,
            id,
            previous,
        };
        self.sockets
            .broadcast(room, &self.identity, &message, omit)
            .await
    }

    /// `destroyed`: tells the record's subscribers, then empties its room (Sails'
    /// `_publishDestroy`, the unsubscribe, and `_retire`).
    pub async fn destroyed<I, P>(
        &self,
        id: I,
        previous: Option<&P>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError>
    where
        I: Serialize + Display,
        P: Serialize,
    {
        let room = self.room(&id);
        let message = Destroyed {
            verb: "destroyed",
            id,
            previous,
        };
        self.sockets
            .broadcast(room.as_str(), &self.identity, &message, omit)
            .await?;
        self.sockets
            .remove_room_members_from_rooms(&room, room.as_str())
            .await
    }

    /// `addedTo`: a child record `added_id` joined the collection `attribute` of `id`.
    pub async fn added_to<I, C, A>(
        &self,
        id: I,
        attribute: &str,
        added_id: C,
        added: Option<&A>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError>
    where
        I: Serialize + Display,
        C: Serialize,
        A: Serialize,
    {
        let room = self.room(&id);
        let message = AddedTo {
            id,
            verb: "addedTo",
            attribute,
            added_id,
            added,
        };
        self.sockets
            .broadcast(room, &self.identity, &message, omit)
            .await
    }

    /// `removedFrom`: a child record `removed_id` left the collection `attribute` of `id`.
    pub async fn removed_from<I, C>(
        &self,
        id: I,
        attribute: &str,
        removed_id: C,
        omit: Option<&str>,
    ) -> Result<(), SocketsError>
    where
        I: Serialize + Display,
        C: Serialize,
    {
        let room = self.room(&id);
        let message = RemovedFrom {
            id,
            verb: "removedFrom",
            attribute,
            removed_id,
        };
        self.sockets
            .broadcast(room, &self.identity, &message, omit)
            .await
    }
}

/// [`Resource`] for a `#[sailroute::resource]` record type: records, ids and identity are
/// checked by the compiler, and codegen knows the message types.
#[derive(Debug, Clone)]
pub struct TypedResource<R> {
    inner: Resource,
    record: PhantomData<fn() -> R>,
}

impl<R: ResourceRecord> TypedResource<R> {
    /// The untyped resource (room names, raw publishes).
    pub fn untyped(&self) -> &Resource {
        &self.inner
    }

    /// See [`Resource::subscribe`].
    pub async fn subscribe(
        &self,
        socket: &Socket,
        ids: impl IntoIterator<Item = R::Id>,
    ) -> Result<(), SocketsError> {
        self.inner.subscribe(socket, ids).await
    }

    /// See [`Resource::unsubscribe`].
    pub async fn unsubscribe(
        &self,
        socket: &Socket,
        ids: impl IntoIterator<Item = R::Id>,
    ) -> Result<(), SocketsError> {
        self.inner.unsubscribe(socket, ids).await
    }

    /// See [`Resource::watch`].
    pub async fn watch(&self, socket: &Socket) -> Result<(), SocketsError> {
        self.inner.watch(socket).await
    }

    /// See [`Resource::unwatch`].
    pub async fn unwatch(&self, socket: &Socket) -> Result<(), SocketsError> {
        self.inner.unwatch(socket).await
    }

    /// See [`Resource::created`].
    pub async fn created(
        &self,
        id: &R::Id,
        record: &R,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.inner.created(id, record, omit).await
    }

    /// See [`Resource::updated`]; `changes` is any serializable subset of the record.
    pub async fn updated<D: Serialize + ?Sized>(
        &self,
        id: &R::Id,
        changes: &D,
        previous: Option<&R>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.inner.updated(id, changes, previous, omit).await
    }

    /// See [`Resource::destroyed`].
    pub async fn destroyed(
        &self,
        id: &R::Id,
        previous: Option<&R>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.inner.destroyed(id, previous, omit).await
    }

    /// See [`Resource::added_to`].
    pub async fn added_to<C: Serialize, A: Serialize>(
        &self,
        id: &R::Id,
        attribute: &str,
        added_id: C,
        added: Option<&A>,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.inner
            .added_to(id, attribute, added_id, added, omit)
            .await
    }

    /// See [`Resource::removed_from`].
    pub async fn removed_from<C: Serialize>(
        &self,
        id: &R::Id,
        attribute: &str,
        removed_id: C,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        self.inner
            .removed_from(id, attribute, removed_id, omit)
            .await
    }
}
