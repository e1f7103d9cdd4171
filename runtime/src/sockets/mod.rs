//! `sails.sockets` for Rust: the [`Sockets`] handle for rooms and pushes, and the [`Socket`]
//! extractor that hands a handler the socket its request came from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use serde::Serialize;
use serde_json::value::RawValue;
use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use socketioxide::socket::Sid;

mod backend;
mod node_backend;
#[cfg(feature = "redis")]
mod node_cluster;
mod socket;

pub(crate) use backend::{Backend, IoBackend, PUSHED};
pub(crate) use node_backend::NodeBackend;
#[cfg(feature = "redis")]
pub(crate) use node_cluster::ClusterBackend;
pub use socket::{NotASocketRequest, Socket};

/// A boxed future, so [`Backend`] stays object-safe whatever adapter sits underneath.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What went wrong in a [`Sockets`] operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SocketsError {
    /// The payload could not be serialized to JSON.
    #[error("cannot serialize the {event:?} payload: {source}")]
    Serialize {
        /// The event being sent.
        event: String,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// A socket id that cannot be a Socket.IO id (they are 16 url-safe characters).
    #[error("{0:?} is not a socket id")]
    InvalidSocketId(String),
    /// The adapter (the local one, or the cross-node one) refused the operation: Redis is
    /// away, another node did not answer in time. The adapter's error with its causes, as
    /// text: socketioxide's adapter errors are not `Sync`, so they cannot be kept as a source
    /// of an error that `anyhow` and `Box<dyn Error + Send + Sync>` accept.
    #[error("socket adapter error: {0}")]
    Adapter(String),
}

/// Rooms to act on: one name or several.
///
/// Built from `&str`, `String`, a `Vec` or an array of either, so calls read like Sails:
/// `sockets.broadcast("lobby", …)` or `sockets.broadcast(["a", "b"], …)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rooms(Vec<String>);

impl Rooms {
    /// The room names.
    pub fn names(&self) -> &[String] {
        &self.0
    }
}

impl From<&str> for Rooms {
    fn from(room: &str) -> Self {
        Rooms(vec![room.to_owned()])
    }
}
impl From<String> for Rooms {
    fn from(room: String) -> Self {
        Rooms(vec![room])
    }
}
impl From<&String> for Rooms {
    fn from(room: &String) -> Self {
        Rooms(vec![room.clone()])
    }
}
impl From<Vec<String>> for Rooms {
    fn from(rooms: Vec<String>) -> Self {
        Rooms(rooms)
    }
}
impl From<Vec<&str>> for Rooms {
    fn from(rooms: Vec<&str>) -> Self {
        Rooms(rooms.into_iter().map(str::to_owned).collect())
    }
}
impl From<&[&str]> for Rooms {
    fn from(rooms: &[&str]) -> Self {
        Rooms(rooms.iter().map(|r| (*r).to_owned()).collect())
    }
}
impl From<&[String]> for Rooms {
    fn from(rooms: &[String]) -> Self {
        Rooms(rooms.to_vec())
    }
}
impl<const N: usize> From<[&str; N]> for Rooms {
    fn from(rooms: [&str; N]) -> Self {
        Rooms(rooms.iter().map(|r| (*r).to_owned()).collect())
    }
}
impl<const N: usize> From<[String; N]> for Rooms {
    fn from(rooms: [String; N]) -> Self {
        Rooms(rooms.into())
    }
}

/// Options for [`Sockets::leave_all_with`], as in Sails' `leaveAll`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaveAllOptions {
    /// Also leave the rooms named by socket ids (the socket's own room is never left).
    pub include_socket_rooms: bool,
    /// Also leave the source room itself.
    pub include_source_room: bool,
}

impl Default for LeaveAllOptions {
    fn default() -> Self {
        LeaveAllOptions {
            include_socket_rooms: false,
            include_source_room: true,
        }
    }
}

/// The `sails.sockets` operations: rooms, broadcasts and blasts, for any socket on any node.
///
/// Every handler can take it as an extractor (it works over HTTP too), and
/// [`Server::sockets`](crate::Server::sockets) hands it to code outside requests. Cloning is
/// cheap. Every socket is in a room named by its id, so a socket id works wherever a room
/// name is expected.
#[derive(Clone)]
pub struct Sockets {
    backend: Arc<dyn Backend>,
}

impl fmt::Debug for Sockets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sockets").finish_non_exhaustive()
    }
}

fn parse_sid(id: &str) -> Result<Sid, SocketsError> {
    Sid::from_str(id).map_err(|_| SocketsError::InvalidSocketId(id.to_owned()))
}

fn to_raw<T: Serialize + ?Sized>(event: &str, data: &T) -> Result<Box<RawValue>, SocketsError> {
    serde_json::value::to_raw_value(data).map_err(|source| SocketsError::Serialize {
        event: event.to_owned(),
        source,
    })
}

impl Sockets {
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        Sockets { backend }
    }

    /// Sends `event` with `data` to every socket in `rooms`, except `omit` (a socket id).
    ///
    /// A socket that is in several of the rooms receives the message once (Sails sends it
    /// once per room).
    pub async fn broadcast<T: Serialize + ?Sized>(
        &self,
        rooms: impl Into<Rooms>,
        event: &str,
        data: &T,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        let rooms = rooms.into().0;
        if rooms.is_empty() {
            return Ok(());
        }
        let omit = omit.map(parse_sid).transpose()?;
        let data = to_raw(event, data)?;
        self.backend.emit(rooms, omit, event.to_owned(), data).await
    }

    /// Sends `event` with `data` to every connected socket, except `omit` (a socket id).
    pub async fn blast<T: Serialize + ?Sized>(
        &self,
        event: &str,
        data: &T,
        omit: Option<&str>,
    ) -> Result<(), SocketsError> {
        let omit = omit.map(parse_sid).transpose()?;
        let data = to_raw(event, data)?;
        self.backend
            .emit(Vec::new(), omit, event.to_owned(), data)
            .await
    }

    /// Sends `event` with `data` to one socket, wherever it is connected.
    pub async fn emit_to<T: Serialize + ?Sized>(
        &self,
        socket_id: &str,
        event: &str,
        data: &T,
    ) -> Result<(), SocketsError> {
        parse_sid(socket_id)?;
        self.broadcast(socket_id, event, data, None).await
    }

    /// Puts the socket with id `socket_id` into `rooms`, on whichever node it is connected.
    pub async fn join(&self, socket_id: &str, rooms: impl Into<Rooms>) -> Result<(), SocketsError> {
        parse_sid(socket_id)?;
        self.backend
            .join(socket_id.to_owned(), rooms.into().0)
            .await
    }

    /// Takes the socket with id `socket_id` out of `rooms`.
    pub async fn leave(
        &self,
        socket_id: &str,
        rooms: impl Into<Rooms>,
    ) -> Result<(), SocketsError> {
        parse_sid(socket_id)?;
        self.backend
            .leave(socket_id.to_owned(), rooms.into().0)
            .await
    }

    /// Every socket in `source_room` joins every room in `destination_rooms`.
    pub async fn add_room_members_to_rooms(
        &self,
        source_room: &str,
        destination_rooms: impl Into<Rooms>,
    ) -> Result<(), SocketsError> {
        self.backend
            .join(source_room.to_owned(), destination_rooms.into().0)
            .await
    }

    /// Every socket in `source_room` leaves every room in `destination_rooms`.
    pub async fn remove_room_members_from_rooms(
        &self,
        source_room: &str,
        destination_rooms: impl Into<Rooms>,
    ) -> Result<(), SocketsError> {
        self.backend
            .leave(source_room.to_owned(), destination_rooms.into().0)
            .await
    }

    /// Every socket in `source_room` leaves all of its rooms, `source_room` included, but
    /// keeps its own id room and the rooms named by socket ids (Sails' defaults).
    pub async fn leave_all(&self, source_room: &str) -> Result<(), SocketsError> {
        self.leave_all_with(source_room, LeaveAllOptions::default())
            .await
    }

    /// [`leave_all`](Self::leave_all) with Sails' options.
    pub async fn leave_all_with(
        &self,
        source_room: &str,
        options: LeaveAllOptions,
    ) -> Result<(), SocketsError> {
        for member in self.backend.members(source_room.to_owned()).await? {
            let own = member.id.to_string();
            let rooms: Vec<String> = member
                .rooms
                .into_iter()
                .filter(|room| *room != own)
                .filter(|room| options.include_socket_rooms || Sid::from_str(room).is_err())
                .filter(|room| options.include_source_room || room != source_room)
                .collect();
            if !rooms.is_empty() {
                self.backend.leave(own, rooms).await?;
            }
        }
        Ok(())
    }

    /// The ids of the sockets in `room`, on every node.
    pub async fn socket_ids(&self, room: &str) -> Result<Vec<String>, SocketsError> {
        let mut ids: Vec<String> = self
            .backend
            .members(room.to_owned())
            .await?
            .into_iter()
            .map(|m| m.id.to_string())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The handshake of a socket connected to this node, by its engine session id.
    pub(crate) fn local_handshake(&self, sid: &str) -> Option<crate::policy::Handshake> {
        self.backend.handshake(Sid::from_str(sid).ok()?)
    }

    /// The rooms of a socket connected to this node (its own id room included), or `None`
    /// when no such socket is connected here.
    pub fn local_rooms(&self, socket_id: &str) -> Option<Vec<String>> {
        let mut rooms = self.backend.local_rooms(parse_sid(socket_id).ok()?)?;
        rooms.sort();
        Some(rooms)
    }
}

/// Returned when a handler needs [`Sockets`] but the router is not served by sailroute.
#[derive(Debug, Clone, Copy)]
pub struct MissingSockets;

impl IntoResponse for MissingSockets {
    fn into_response(self) -> Response {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "sailroute::Sockets is only available in routers served by sailroute::Server",
        )
            .into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Sockets {
    type Rejection = MissingSockets;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Sockets>()
            .cloned()
            .ok_or(MissingSockets)
    }
}
