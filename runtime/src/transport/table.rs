//! The sockets connected to this node and their rooms, by numeric id (issue 20: "rooms as
//! compact indexes (numeric socket ids), Sails' room names kept on the wire").
//!
//! - A socket lives in a slot of a vector; its numeric id is the slot, reused once the socket
//!   has gone. Its id on the wire, [`SocketId`], is that slot and 64 random bits, written as the
//!   16 url-safe base64 characters of an Engine.IO or socketioxide id. The random part tells a
//!   reused slot's new socket from the one that left, and the sockets of two nodes apart (over
//!   Redis every node sees every id), without a map from names to slots.
//! - A room is a name and its members' slots, 4 bytes per member in one contiguous vector that
//!   a broadcast walks. A socket lists the rooms it is in by their index, with its place among
//!   each room's members, so that leaving a room (or all of them on disconnect) takes constant
//!   time whatever the room's size: the last member moves into the leaver's place and its own
//!   list is told. A room is forgotten when its last member leaves.
//! - Every socket is in the room named by its id, as in Socket.IO and Sails, without an entry
//!   of its own: a room name that is a connected socket's id reaches that socket. It cannot be
//!   left (`leave` of it is a no-op, as Sails never leaves it).
//!
//! Written here rather than on socketioxide's adapter because that adapter keeps a hash set of
//! socket ids (16-byte strings) per room and a map of rooms per socket, and the transport's
//! connections are keyed by the same numeric id as the heartbeat wheel's.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A socket's id: its slot in the [`Table`] and 64 random bits. On the wire, 16 url-safe
/// base64 characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SocketId {
    slot: u32,
    tag: u64,
}

impl SocketId {
    /// The numeric id: the socket's slot in the table (and its key in the heartbeat wheel).
    pub fn slot(self) -> u32 {
        self.slot
    }

    fn bytes(self) -> [u8; 12] {
        let mut bytes = [0; 12];
        bytes[..4].copy_from_slice(&self.slot.to_be_bytes());
        bytes[4..].copy_from_slice(&self.tag.to_be_bytes());
        bytes
    }
}

impl fmt::Display for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; 16];
        let written = URL_SAFE_NO_PAD
            .encode_slice(self.bytes(), &mut text)
            .map_err(|_| fmt::Error)?;
        // Base64 is ASCII, so the 16 bytes are one valid string.
        f.write_str(std::str::from_utf8(&text[..written]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SocketId({self})")
    }
}

/// A text that is not a socket id of this transport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a socket id (16 url-safe base64 characters)")]
pub struct NotASocketId(pub String);

impl FromStr for SocketId {
    type Err = NotASocketId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || NotASocketId(text.to_owned());
        if text.len() != 16 {
            return Err(wrong());
        }
        let mut bytes = [0u8; 12];
        let read = URL_SAFE_NO_PAD
            .decode_slice(text, &mut bytes)
            .map_err(|_| wrong())?;
        if read != 12 {
            return Err(wrong());
        }
        let (slot, tag) = bytes.split_at(4);
        Ok(SocketId {
            slot: u32::from_be_bytes(slot.try_into().map_err(|_| wrong())?),
            tag: u64::from_be_bytes(tag.try_into().map_err(|_| wrong())?),
        })
    }
}

struct Slot<T> {
    tag: u64,
    entry: Option<Entry<T>>,
}

struct Entry<T> {
    value: Arc<T>,
    /// The rooms the socket joined (its own room not among them): each room's index in
    /// `Table::rooms`, and the socket's place among that room's members.
    rooms: Vec<(u32, u32)>,
}

struct Room {
    name: Arc<str>,
    members: Vec<u32>,
}

/// The sockets of this node, each holding a `T` (the connection), and their rooms.
pub struct Table<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    rooms: Vec<Option<Room>>,
    free_rooms: Vec<u32>,
    names: HashMap<Arc<str>, u32>,
    len: usize,
}

impl<T> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("sockets", &self.len)
            .field("rooms", &self.names.len())
            .finish_non_exhaustive()
    }
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            rooms: Vec::new(),
            free_rooms: Vec::new(),
            names: HashMap::new(),
            len: 0,
        }
    }
}

impl<T> Table<T> {
    /// How many sockets are connected.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no socket is connected.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many rooms have members (sockets' own rooms not counted).
    pub fn room_count(&self) -> usize {
        self.names.len()
    }

    /// Adds a socket: `make` builds its value knowing its id (a connection is keyed by it).
    ///
    /// # Panics
    /// Past `u32::MAX` sockets at once, which no process's file descriptors allow.
    pub fn insert(&mut self, make: impl FnOnce(SocketId) -> T) -> (SocketId, Arc<T>) {
        let tag = rand::random::<u64>();
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 sockets");
                self.slots.push(Slot { tag, entry: None });
                slot
            }
        };
        let id = SocketId { slot, tag };
        let value = Arc::new(make(id));
        let place = &mut self.slots[slot as usize];
        place.tag = tag;
        place.entry = Some(Entry {
            value: value.clone(),
            rooms: Vec::new(),
        });
        self.len += 1;
        (id, value)
    }

    fn entry(&self, id: SocketId) -> Option<&Entry<T>> {
        let slot = self.slots.get(id.slot as usize)?;
        if slot.tag != id.tag {
            return None;
        }
        slot.entry.as_ref()
    }

    fn entry_mut(&mut self, id: SocketId) -> Option<&mut Entry<T>> {
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.tag != id.tag {
            return None;
        }
        slot.entry.as_mut()
    }

    /// The socket `id`, if it is connected to this node.
    pub fn get(&self, id: SocketId) -> Option<&Arc<T>> {
        self.entry(id).map(|entry| &entry.value)
    }

    /// The socket in `slot`, whoever it is now (the heartbeat wheel knows only slots).
    pub fn get_slot(&self, slot: u32) -> Option<(SocketId, &Arc<T>)> {
        let place = self.slots.get(slot as usize)?;
        let entry = place.entry.as_ref()?;
        Some((
            SocketId {
                slot,
                tag: place.tag,
            },
            &entry.value,
        ))
    }

    /// Removes the socket `id` from the table and from every room; its slot is free again.
    pub fn remove(&mut self, id: SocketId) -> Option<Arc<T>> {
        let entry = self.slots.get_mut(id.slot as usize).and_then(|slot| {
            if slot.tag == id.tag {
                slot.entry.take()
            } else {
                None
            }
        })?;
        for (room, at) in entry.rooms {
            self.drop_member(room, at);
        }
        self.free.push(id.slot);
        self.len -= 1;
        Some(entry.value)
    }

    /// Takes the member at place `at` out of room `index`: the last member moves into that
    /// place, and its own list of rooms learns the new place. A room left empty is forgotten.
    fn drop_member(&mut self, index: u32, at: u32) {
        let Some(Some(room)) = self.rooms.get_mut(index as usize) else {
            return;
        };
        if (at as usize) >= room.members.len() {
            return;
        }
        room.members.swap_remove(at as usize);
        if let Some(&moved) = room.members.get(at as usize)
            && let Some(entry) = self
                .slots
                .get_mut(moved as usize)
                .and_then(|s| s.entry.as_mut())
            && let Some(place) = entry.rooms.iter_mut().find(|(r, _)| *r == index)
        {
            place.1 = at;
        }
        let Some(Some(room)) = self.rooms.get(index as usize) else {
            return;
        };
        if room.members.is_empty() {
            let name = room.name.clone();
            self.rooms[index as usize] = None;
            self.names.remove(&name);
            self.free_rooms.push(index);
        }
    }

    /// Whether `room` names the socket's own room (its id).
    fn is_own(id: SocketId, room: &str) -> bool {
        room.parse::<SocketId>().is_ok_and(|named| named == id)
    }

    /// Puts socket `id` in `room`. False if the socket is not connected here.
    pub fn join(&mut self, id: SocketId, room: &str) -> bool {
        if self.entry(id).is_none() {
            return false;
        }
        if Self::is_own(id, room) {
            return true;
        }
        let index = match self.names.get(room) {
            Some(&index) => index,
            None => {
                let name: Arc<str> = Arc::from(room);
                let fresh = Room {
                    name: name.clone(),
                    members: Vec::new(),
                };
                let index = match self.free_rooms.pop() {
                    Some(index) => {
                        self.rooms[index as usize] = Some(fresh);
                        index
                    }
                    None => {
                        let index = u32::try_from(self.rooms.len()).expect("fewer than 2^32 rooms");
                        self.rooms.push(Some(fresh));
                        index
                    }
                };
                self.names.insert(name, index);
                index
            }
        };
        let Some(Some(room)) = self.rooms.get(index as usize) else {
            return false;
        };
        let at = u32::try_from(room.members.len()).expect("fewer than 2^32 members");
        let Some(entry) = self.entry_mut(id) else {
            return false;
        };
        if entry.rooms.iter().any(|(r, _)| *r == index) {
            return true;
        }
        entry.rooms.push((index, at));
        if let Some(Some(room)) = self.rooms.get_mut(index as usize) {
            room.members.push(id.slot);
        }
        true
    }

    /// Takes socket `id` out of `room`. False if the socket is not connected here.
    pub fn leave(&mut self, id: SocketId, room: &str) -> bool {
        let Some(&index) = self.names.get(room) else {
            return self.entry(id).is_some();
        };
        let Some(entry) = self.entry_mut(id) else {
            return false;
        };
        let Some(at) = entry.rooms.iter().position(|(r, _)| *r == index) else {
            return true;
        };
        let (_, place) = entry.rooms.swap_remove(at);
        self.drop_member(index, place);
        true
    }

    /// The rooms socket `id` is in, its own first; `None` if it is not connected here.
    pub fn rooms_of(&self, id: SocketId) -> Option<Vec<Arc<str>>> {
        let entry = self.entry(id)?;
        let mut rooms = Vec::with_capacity(entry.rooms.len() + 1);
        rooms.push(Arc::from(id.to_string()));
        for &(index, _) in &entry.rooms {
            if let Some(Some(room)) = self.rooms.get(index as usize) {
                rooms.push(room.name.clone());
            }
        }
        Some(rooms)
    }

    /// Calls `each` once for every socket in any of `rooms` (a socket in several is reached
    /// once), except the socket `except`. The order is unspecified.
    pub fn for_each_in(
        &self,
        rooms: &[&str],
        except: Option<SocketId>,
        mut each: impl FnMut(SocketId, &Arc<T>),
    ) {
        let mut seen = HashSet::new();
        let single = rooms.len() == 1;
        let mut visit = |slot: u32, each: &mut dyn FnMut(SocketId, &Arc<T>)| {
            let Some((id, value)) = self.get_slot(slot) else {
                return;
            };
            if except == Some(id) || (!single && !seen.insert(slot)) {
                return;
            }
            each(id, value);
        };
        for room in rooms {
            if let Ok(named) = room.parse::<SocketId>()
                && self.entry(named).is_some()
            {
                visit(named.slot, &mut each);
            }
            if let Some(&index) = self.names.get(*room)
                && let Some(Some(room)) = self.rooms.get(index as usize)
            {
                for &slot in &room.members {
                    visit(slot, &mut each);
                }
            }
        }
    }

    /// Calls `each` for every socket, except the socket `except`.
    pub fn for_each(&self, except: Option<SocketId>, mut each: impl FnMut(SocketId, &Arc<T>)) {
        for (slot, place) in self.slots.iter().enumerate() {
            if let Some(entry) = &place.entry {
                let id = SocketId {
                    slot: slot as u32,
                    tag: place.tag,
                };
                if except != Some(id) {
                    each(id, &entry.value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
