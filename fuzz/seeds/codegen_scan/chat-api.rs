//! The chat API: rooms, messages, who is online. New messages are a typed event to the
//! room; the message history is a Sails resource, so edits, deletions and reactions reach
//! every socket that has the message on screen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sailroute::sessions::{Session, session};
use sailroute::{Socket, Sockets, delete, get, patch, post, put};
use serde::{Deserialize, Serialize};

/// How many messages a room keeps.
const HISTORY: usize = 200;

/// A chat message: a record of the `message` resource.
#[sailroute::resource("message")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Assigned by the server.
    pub id: u64,
    /// The room it was posted in.
    pub room: String,
    /// Who wrote it.
    pub user: String,
    /// What they wrote.
    pub text: String,
    /// When, in milliseconds since the Unix epoch.
    pub at: u64,
    /// Set once it has been edited.
    pub edited: bool,
    /// Reactions, oldest first.
    pub reactions: Vec<Reaction>,
}

/// One reaction to a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reaction {
    /// Assigned by the server.
    pub id: u64,
    /// Who reacted.
    pub user: String,
    /// With what.
    pub emoji: String,
}

/// A new message in a room the socket joined.
#[sailroute::event("chat:message")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posted {
    /// The message.
    pub message: Message,
}

/// Who is in a room now.
#[sailroute::event("presence")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    /// The room.
    pub room: String,
    /// The names of the people in it, sorted.
    pub users: Vec<String>,
}

/// Joining a room.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The name to appear as.
    pub user: String,
}

/// What joining returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Joined {
    /// The room.
    pub room: String,
    /// Who is in it, you included.
    pub users: Vec<String>,
    /// Its recent messages, oldest first.
    pub history: Vec<Message>,
}

/// A message to post.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewMessage {
    /// The text.
    pub text: String,
}

/// A reaction to add.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewReaction {
    /// An emoji (or any short text).
    pub emoji: String,
}

/// A room in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomSummary {
    /// Its name.
    pub name: String,
    /// How many people are in it.
    pub online: usize,
    /// How many messages it keeps.
    pub messages: usize,
}

/// The requesting socket, as the server sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// The socket id.
    pub id: String,
    /// Its rooms (its own id room included).
    pub rooms: Vec<String>,
    /// The name it joined with, if it joined.
    pub user: Option<String>,
}

/// Who this browser is: the name its session keeps (set by joining a room or by
/// `set_profile`, over HTTP or the socket), so that a reload remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The name to appear as, once chosen.
    pub user: Option<String>,
}

/// A new name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewProfile {
    /// The name to appear as.
    pub user: String,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ChatError {
    /// Chatting happens over a socket.
    SocketRequired,
    /// Join the room first.
    NotJoined {
        /// The room.
        room: String,
    },
    /// No such message.
    NotFound {
        /// The id asked for.
        id: u64,
    },
    /// Only a message's author can change it.
    NotYours,
    /// The input was refused.
    Invalid {
        /// What is wrong.
        message: String,
    },
    /// The realtime layer failed.
    Unavailable {
        /// Why.
        message: String,
    },
}

impl IntoResponse for ChatError {
    fn into_response(self) -> Response {
        let status = match self {
            ChatError::SocketRequired | ChatError::Invalid { .. } => StatusCode::BAD_REQUEST,
            ChatError::NotJoined { .. } | ChatError::NotYours => StatusCode::FORBIDDEN,
            ChatError::NotFound { .. } => StatusCode::NOT_FOUND,
            ChatError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        };
        (status, Json(self)).into_response()
    }
}

impl From<sailroute::SocketsError> for ChatError {
    fn from(e: sailroute::SocketsError) -> Self {
        ChatError::Unavailable {
            message: e.to_string(),
        }
    }
}

impl From<session::Error> for ChatError {
    fn from(e: session::Error) -> Self {
        ChatError::Unavailable {
            message: format!("the session store failed: {e}"),
        }
    }
}

/// The session key of the browser's name.
const USER: &str = "user";

/// The chat's state, in memory.
#[derive(Clone, Default)]
pub struct Chat {
    inner: Arc<Mutex<Store>>,
}

#[derive(Default)]
struct Store {
    next_id: u64,
    messages: BTreeMap<u64, Message>,
    /// Socket id -> name and rooms.
    people: HashMap<String, Person>,
}

struct Person {
    user: String,
    rooms: BTreeSet<String>,
}

impl Store {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn users(&self, room: &str) -> Vec<String> {
        let names: BTreeSet<String> = self
            .people
            .values()
            .filter(|p| p.rooms.contains(room))
            .map(|p| p.user.clone())
            .collect();
        names.into_iter().collect()
    }

    fn history(&self, room: &str) -> Vec<Message> {
        self.messages
            .values()
            .filter(|m| m.room == room)
            .cloned()
            .collect()
    }

    fn user_of(&self, socket: &str, room: &str) -> Option<String> {
        self.people
            .get(socket)
            .filter(|p| p.rooms.contains(room))
            .map(|p| p.user.clone())
    }
}

impl Chat {
    fn with<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Forgets a socket that went away, and tells its rooms.
    pub async fn disconnected(&self, sockets: &Sockets, socket_id: &str) {
        let (rooms, presences) = self.with(|state| {
            let rooms = state
                .people
                .remove(socket_id)
                .map(|p| p.rooms)
                .unwrap_or_default();
            let presences: Vec<Presence> = rooms
                .iter()
                .map(|room| Presence {
                    room: room.clone(),
                    users: state.users(room),
                })
                .collect();
            (rooms, presences)
        });
        for (room, presence) in rooms.iter().zip(&presences) {
            sockets.send(room_of(room), presence, None).await.ok();
        }
    }
}

/// The Socket.IO room of a chat room.
fn room_of(room: &str) -> String {
    format!("room:{room}")
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn clean(text: &str, what: &str, max: usize) -> Result<String, ChatError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ChatError::Invalid {
            message: format!("the {what} must not be empty"),
        });
    }
    if text.chars().count() > max {
        return Err(ChatError::Invalid {
            message: format!("the {what} is longer than {max} characters"),
        });
    }
    Ok(text.to_owned())
}

/// Lists the rooms that have people or messages.
#[get("/rooms")]
pub async fn list_rooms(State(chat): State<Chat>) -> Json<Vec<RoomSummary>> {
    Json(chat.with(|state| {
        let mut names: BTreeSet<String> = state.messages.values().map(|m| m.room.clone()).collect();
        for person in state.people.values() {
            names.extend(person.rooms.iter().cloned());
        }
        names
            .into_iter()
            .map(|name| RoomSummary {
                online: state.users(&name).len(),
                messages: state.messages.values().filter(|m| m.room == name).count(),
                name,
            })
            .collect()
    }))
}

/// Joins a room under a name: the socket then hears its new messages and who comes and goes,
/// and follows the edits, deletions and reactions of its history.
#[put("/rooms/:room/join", subscribes = [Posted, Presence, Message])]
pub async fn join_room(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    session: Session,
    Path(room): Path<String>,
    Json(request): Json<JoinRequest>,
) -> Result<Json<Joined>, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let room = clean(&room, "room name", 40)?;
    let user = clean(&request.user, "name", 30)?;
    session.insert(USER, &user).await?;
    let id = socket.id();
    let (users, history) = chat.with(|state| {
        let person = state.people.entry(id.clone()).or_insert_with(|| Person {
            user: user.clone(),
            rooms: BTreeSet::new(),
        });
        person.user = user.clone();
        person.rooms.insert(room.clone());
        (state.users(&room), state.history(&room))
    });
    socket.join(room_of(&room)).await?;
    let messages = sockets.resource_of::<Message>();
    messages
        .subscribe(&socket, history.iter().map(|m| m.id))
        .await?;
    let presence = Presence {
        room: room.clone(),
        users: users.clone(),
    };
    sockets.send(room_of(&room), &presence, Some(&id)).await?;
    Ok(Json(Joined {
        room,
        users,
        history,
    }))
}

/// Leaves a room.
#[post("/rooms/:room/leave")]
pub async fn leave_room(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(room): Path<String>,
) -> Result<StatusCode, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let id = socket.id();
    let (users, history) = chat.with(|state| {
        if let Some(person) = state.people.get_mut(&id) {
            person.rooms.remove(&room);
        }
        (state.users(&room), state.history(&room))
    });
    socket.leave(room_of(&room)).await?;
    sockets
        .resource_of::<Message>()
        .unsubscribe(&socket, history.iter().map(|m| m.id))
        .await?;
    sockets
        .send(room_of(&room), &Presence { room, users }, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A room's recent messages; over a socket, also follows their changes.
#[get("/rooms/:room/messages", subscribes = Message)]
pub async fn room_messages(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(room): Path<String>,
) -> Result<Json<Vec<Message>>, ChatError> {
    let history = chat.with(|state| state.history(&room));
    if let Some(socket) = socket {
        sockets
            .resource_of::<Message>()
            .subscribe(&socket, history.iter().map(|m| m.id))
            .await?;
    }
    Ok(Json(history))
}

/// Every message of every room; over a socket, also watches for new ones (`created`).
#[get("/messages", subscribes = Message)]
pub async fn all_messages(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
) -> Result<Json<Vec<Message>>, ChatError> {
    let all: Vec<Message> = chat.with(|state| state.messages.values().cloned().collect());
    if let Some(socket) = socket {
        let messages = sockets.resource_of::<Message>();
        messages.watch(&socket).await?;
        messages
            .subscribe(&socket, all.iter().map(|m| m.id))
            .await?;
    }
    Ok(Json(all))
}

/// Posts a message to a room the socket joined.
#[post("/rooms/:room/messages")]
pub async fn post_message(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(room): Path<String>,
    Json(new): Json<NewMessage>,
) -> Result<Json<Message>, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let text = clean(&new.text, "message", 2000)?;
    let id = socket.id();
    let message = chat.with(|state| {
        let user = state
            .user_of(&id, &room)
            .ok_or_else(|| ChatError::NotJoined { room: room.clone() })?;
        let message = Message {
            id: state.id(),
            room: room.clone(),
            user,
            text,
            at: now_ms(),
            edited: false,
            reactions: Vec::new(),
        };
        state.messages.insert(message.id, message.clone());
        let old: Vec<u64> = state
            .messages
            .values()
            .filter(|m| m.room == room)
            .map(|m| m.id)
            .collect();
        for id in old.iter().take(old.len().saturating_sub(HISTORY)) {
            state.messages.remove(id);
        }
        Ok::<_, ChatError>(message)
    })?;
    let messages = sockets.resource_of::<Message>();
    // Everyone in the room follows the new message's changes, the author included.
    sockets
        .add_room_members_to_rooms(&room_of(&room), messages.untyped().room(message.id))
        .await?;
    sockets
        .send(
            room_of(&room),
            &Posted {
                message: message.clone(),
            },
            Some(&id),
        )
        .await?;
    messages.created(&message.id, &message, Some(&id)).await?;
    Ok(Json(message))
}

/// Edits one of your messages.
#[patch("/messages/:id")]
pub async fn edit_message(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(id): Path<u64>,
    Json(edit): Json<NewMessage>,
) -> Result<Json<Message>, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let text = clean(&edit.text, "message", 2000)?;
    let sid = socket.id();
    let (previous, message) = chat.with(|state| {
        let user = state.people.get(&sid).map(|p| p.user.clone());
        let message = state
            .messages
            .get_mut(&id)
            .ok_or(ChatError::NotFound { id })?;
        if user.as_deref() != Some(message.user.as_str()) {
            return Err(ChatError::NotYours);
        }
        let previous = message.clone();
        message.text = text;
        message.edited = true;
        Ok((previous, message.clone()))
    })?;
    let changes = serde_json::json!({ "text": message.text, "edited": true });
    sockets
        .resource_of::<Message>()
        .updated(&id, &changes, Some(&previous), Some(&sid))
        .await?;
    Ok(Json(message))
}

/// Deletes one of your messages.
#[delete("/messages/:id")]
pub async fn delete_message(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(id): Path<u64>,
) -> Result<StatusCode, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let sid = socket.id();
    let previous = chat.with(|state| {
        let user = state.people.get(&sid).map(|p| p.user.clone());
        let message = state.messages.get(&id).ok_or(ChatError::NotFound { id })?;
        if user.as_deref() != Some(message.user.as_str()) {
            return Err(ChatError::NotYours);
        }
        state.messages.remove(&id).ok_or(ChatError::NotFound { id })
    })?;
    sockets
        .resource_of::<Message>()
        .destroyed(&id, Some(&previous), Some(&sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reacts to a message in a room you joined.
#[post("/messages/:id/reactions")]
pub async fn react(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path(id): Path<u64>,
    Json(new): Json<NewReaction>,
) -> Result<Json<Reaction>, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let emoji = clean(&new.emoji, "reaction", 16)?;
    let sid = socket.id();
    let reaction = chat.with(|state| {
        let room = state
            .messages
            .get(&id)
            .map(|m| m.room.clone())
            .ok_or(ChatError::NotFound { id })?;
        let user = state
            .user_of(&sid, &room)
            .ok_or(ChatError::NotJoined { room })?;
        let reaction = Reaction {
            id: state.id(),
            user,
            emoji,
        };
        if let Some(message) = state.messages.get_mut(&id) {
            message.reactions.push(reaction.clone());
        }
        Ok::<_, ChatError>(reaction)
    })?;
    sockets
        .resource_of::<Message>()
        .added_to(&id, "reactions", reaction.id, Some(&reaction), Some(&sid))
        .await?;
    Ok(Json(reaction))
}

/// Takes back one of your reactions.
#[delete("/messages/:id/reactions/:reaction")]
pub async fn unreact(
    State(chat): State<Chat>,
    sockets: Sockets,
    socket: Option<Socket>,
    Path((id, reaction)): Path<(u64, u64)>,
) -> Result<StatusCode, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let sid = socket.id();
    chat.with(|state| {
        let user = state.people.get(&sid).map(|p| p.user.clone());
        let message = state
            .messages
            .get_mut(&id)
            .ok_or(ChatError::NotFound { id })?;
        let index = message
            .reactions
            .iter()
            .position(|r| r.id == reaction)
            .ok_or(ChatError::NotFound { id: reaction })?;
        if user.as_deref() != Some(message.reactions[index].user.as_str()) {
            return Err(ChatError::NotYours);
        }
        message.reactions.remove(index);
        Ok(())
    })?;
    sockets
        .resource_of::<Message>()
        .removed_from(&id, "reactions", reaction, Some(&sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The requesting socket: its id, rooms and name.
#[get("/me")]
pub async fn me(State(chat): State<Chat>, socket: Option<Socket>) -> Result<Json<Me>, ChatError> {
    let socket = socket.ok_or(ChatError::SocketRequired)?;
    let id = socket.id();
    let user = chat.with(|state| state.people.get(&id).map(|p| p.user.clone()));
    Ok(Json(Me {
        rooms: socket.rooms(),
        id,
        user,
    }))
}

/// The name this browser's session keeps.
#[get("/profile")]
pub async fn profile(session: Session) -> Result<Json<Profile>, ChatError> {
    Ok(Json(Profile {
        user: session.get(USER).await?,
    }))
}

/// Keeps a name in this browser's session (over HTTP or the socket).
#[put("/profile")]
pub async fn set_profile(
    session: Session,
    Json(profile): Json<NewProfile>,
) -> Result<Json<Profile>, ChatError> {
    let user = clean(&profile.user, "name", 30)?;
    session.insert(USER, &user).await?;
    Ok(Json(Profile { user: Some(user) }))
}
