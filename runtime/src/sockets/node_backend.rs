//! The [`Backend`] of the runtime's own transport (`transport/node.rs`): rooms and pushes on
//! this node's socket table. Socket ids cross the trait as socketioxide's `Sid` (both write an
//! id as 16 url-safe base64 characters) until socketioxide is removed.

use super::*;
use crate::sockets::backend::Member;
use crate::transport::node::Node;
use crate::transport::table::SocketId;

/// Holds its node weakly: the node holds what every request shares, which holds this handle,
/// and a strong handle would keep the node (and its heartbeat task) alive forever.
pub(crate) struct NodeBackend {
    pub(crate) node: std::sync::Weak<Node>,
}

fn socket_id(sid: Sid) -> Option<SocketId> {
    sid.to_string().parse().ok()
}

fn sid(id: SocketId) -> Option<Sid> {
    Sid::from_str(&id.to_string()).ok()
}

impl NodeBackend {
    /// The sockets in room `target` (a room name or a socket id), then `change` for each of
    /// them and each of `rooms`, under one hold of the table.
    fn each_member(
        &self,
        target: &str,
        rooms: &[String],
        change: impl Fn(
            &mut crate::transport::table::Table<crate::transport::node::Live>,
            SocketId,
            &str,
        ),
    ) {
        let Some(node) = self.node.upgrade() else {
            return;
        };
        let mut table = node.table();
        let mut members = Vec::new();
        table.for_each_in(&[target], None, |id, live| {
            if live.joined() {
                members.push(id);
            }
        });
        for id in members {
            for room in rooms {
                change(&mut table, id, room);
            }
        }
    }
}

impl Backend for NodeBackend {
    fn emit(
        &self,
        rooms: Vec<String>,
        omit: Option<Sid>,
        event: String,
        data: Box<RawValue>,
    ) -> BoxFuture<'_, Result<(), SocketsError>> {
        let rooms: Vec<&str> = rooms.iter().map(String::as_str).collect();
        // Written into each recipient's socket now, before this returns (as far as its kernel
        // buffer takes it): a push made during a request is on the wire before the request's
        // ack.
        if let Some(node) = self.node.upgrade() {
            node.emit(&rooms, omit.and_then(socket_id), &event, data.get());
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn join(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        self.each_member(&target, &rooms, |table, id, room| {
            table.join(id, room);
        });
        Box::pin(std::future::ready(Ok(())))
    }

    fn leave(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        self.each_member(&target, &rooms, |table, id, room| {
            table.leave(id, room);
        });
        Box::pin(std::future::ready(Ok(())))
    }

    fn members(&self, room: String) -> BoxFuture<'_, Result<Vec<Member>, SocketsError>> {
        let mut members = Vec::new();
        let Some(node) = self.node.upgrade() else {
            return Box::pin(std::future::ready(Ok(members)));
        };
        let table = node.table();
        table.for_each_in(&[room.as_str()], None, |id, live| {
            if !live.joined() {
                return;
            }
            if let (Some(sid), Some(rooms)) = (sid(id), table.rooms_of(id)) {
                members.push(Member {
                    id: sid,
                    rooms: rooms.iter().map(|r| r.to_string()).collect(),
                });
            }
        });
        Box::pin(std::future::ready(Ok(members)))
    }

    fn local_rooms(&self, id: Sid) -> Option<Vec<String>> {
        let node = self.node.upgrade()?;
        let table = node.table();
        let id = socket_id(id)?;
        if !table.get(id)?.joined() {
            return None;
        }
        let rooms = table.rooms_of(id)?;
        Some(rooms.iter().map(|r| r.to_string()).collect())
    }

    fn handshake(&self, id: Sid) -> Option<crate::policy::Handshake> {
        let parts = self.node.upgrade()?.parts(socket_id(id)?)?;
        Some(crate::policy::Handshake::from_parts(&parts))
    }
}
