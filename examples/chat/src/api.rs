//! The chat API: rooms, messages, who is online. New messages are a typed event to the
//! room; the message history is a Sails resource, so edits, deletions and reactions reach
//! every socket that has the message on screen.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sailroute::blueprints::{
    AttrType, Criteria, Direction, Limits, Model, ModelError, ModelRef, Models, Op, Publish,
    Record, Sort, Where,
};
use sailroute::sessions::{Session, session};
use sailroute::{Socket, Sockets, delete, get, patch, post, put};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

impl From<ModelError> for ChatError {
    fn from(e: ModelError) -> Self {
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

/// The chat's models: rooms, the people who have joined, and the message history with its
/// reactions, kept in SQLite (or PostgreSQL) so that they survive a restart. Who is online
/// is the sockets' business and lives in memory: a restart disconnects them all.
pub fn models() -> [Model; 4] {
    [
        Model::new("room")
            .attribute("name", AttrType::String)
            .unique("name"),
        Model::new("person")
            .attribute("name", AttrType::String)
            .attribute("lastSeen", AttrType::Integer)
            .unique("name"),
        Model::new("message")
            .attribute("room", AttrType::String)
            .attribute("user", AttrType::String)
            .attribute("text", AttrType::String)
            .attribute("at", AttrType::Integer)
            .attribute("edited", AttrType::Boolean)
            .collection("reactions", "reaction", "message")
            // A message carries every reaction it has (a populated collection holds at most
            // the default limit).
            .limits(Limits {
                default_limit: 1000,
                max_limit: 1000,
            }),
        Model::new("reaction")
            .attribute("user", AttrType::String)
            .attribute("emoji", AttrType::String)
            .model("message", "message"),
    ]
}

/// The chat's state: its models on a database, and who is online.
#[derive(Clone)]
pub struct Chat {
    models: Models,
    /// Socket id -> name and rooms.
    people: Arc<Mutex<HashMap<String, Person>>>,
}

struct Person {
    user: String,
    rooms: BTreeSet<String>,
}

/// `attr` equals `value`, built directly: a user's text is never read as query syntax.
fn eq(attr: &str, value: impl Into<Value>) -> Where {
    Where::Cmp {
        attr: attr.to_owned(),
        op: Op::Eq,
        value: value.into(),
    }
}

/// Every record matching `filter`, populated, in `direction` of id, at most `limit`.
fn query(filter: Vec<Where>, direction: Direction, skip: u64, limit: u64) -> Criteria {
    Criteria {
        filter,
        sort: vec![Sort {
            attr: "id".to_owned(),
            direction,
        }],
        skip,
        limit,
        ..ModelRef::all()
    }
}

fn record_into<T: serde::de::DeserializeOwned>(record: Record) -> Result<T, ChatError> {
    serde_json::from_value(Value::Object(record)).map_err(|e| ChatError::Unavailable {
        message: format!("a stored record does not read back: {e}"),
    })
}

impl Chat {
    /// The chat on the database at `url` (`sqlite:chat.db`, `sqlite::memory:`,
    /// `postgres://…`): its tables are created or migrated now.
    pub async fn open(url: &str) -> Result<Chat, ModelError> {
        Ok(Chat {
            models: Models::connect(url, models()).await?,
            people: Arc::default(),
        })
    }

    fn model(&self, identity: &str) -> Result<ModelRef, ChatError> {
        Ok(self.models.model(identity)?)
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Person>) -> R) -> R {
        f(&mut self.people.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn users(people: &HashMap<String, Person>, room: &str) -> Vec<String> {
        let names: BTreeSet<String> = people
            .values()
            .filter(|p| p.rooms.contains(room))
            .map(|p| p.user.clone())
            .collect();
        names.into_iter().collect()
    }

    /// The name a socket joined with.
    fn user(&self, socket: &str) -> Option<String> {
        self.with(|people| people.get(socket).map(|p| p.user.clone()))
    }

    fn user_of(&self, socket: &str, room: &str) -> Option<String> {
        self.with(|people| {
            people
                .get(socket)
                .filter(|p| p.rooms.contains(room))
                .map(|p| p.user.clone())
        })
    }

    /// A room's recent messages, oldest first.
    async fn history(&self, room: &str) -> Result<Vec<Message>, ChatError> {
        let criteria = query(vec![eq("room", room)], Direction::Desc, 0, HISTORY as u64);
        let mut records = self
            .model("message")?
            .find(&criteria, &Publish::nobody())
            .await?;
        records.reverse();
        records.into_iter().map(record_into).collect()
    }

    /// The message `id`.
    async fn message(&self, id: u64) -> Result<Message, ChatError> {
        let key = i64::try_from(id).map_err(|_| ChatError::NotFound { id })?;
        match self
            .model("message")?
            .find_one(key, &ModelRef::all(), &Publish::nobody())
            .await
        {
            Ok(record) => record_into(record),
            Err(ModelError::NotFound { .. }) => Err(ChatError::NotFound { id }),
            Err(e) => Err(e.into()),
        }
    }

    /// Destroys a message and its reactions.
    async fn forget(&self, id: u64) -> Result<(), ChatError> {
        let key = i64::try_from(id).map_err(|_| ChatError::NotFound { id })?;
        let reactions = self.model("reaction")?;
        let criteria = query(vec![eq("message", key)], Direction::Asc, 0, u64::MAX >> 1);
        for reaction in reactions.find(&criteria, &Publish::nobody()).await? {
            if let Some(reaction) = reaction.get("id").and_then(Value::as_i64) {
                reactions.destroy(reaction, &Publish::nobody()).await?;
            }
        }
        self.model("message")?
            .destroy(key, &Publish::nobody())
            .await?;
        Ok(())
    }

    /// Records the room and the person, if new.
    async fn remember(&self, room: &str, user: &str) -> Result<(), ChatError> {
        let nobody = Publish::nobody();
        let rooms = self.model("room")?;
        let found = rooms
            .find(
                &query(vec![eq("name", room)], Direction::Asc, 0, 1),
                &nobody,
            )
            .await?;
        if found.is_empty() {
            let mut record = Record::new();
            record.insert("name".to_owned(), room.into());
            match rooms.create(record, &nobody).await {
                // Someone else created it meanwhile.
                Ok(_) | Err(ModelError::Taken { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let people = self.model("person")?;
        let found = people
            .find(
                &query(vec![eq("name", user)], Direction::Asc, 0, 1),
                &nobody,
            )
            .await?;
        let mut seen = Record::new();
        seen.insert("lastSeen".to_owned(), now_ms().into());
        match found
            .first()
            .and_then(|p| p.get("id"))
            .and_then(Value::as_i64)
        {
            Some(id) => {
                people.update(id, seen, &nobody).await?;
            }
            None => {
                seen.insert("name".to_owned(), user.into());
                match people.create(seen, &nobody).await {
                    Ok(_) | Err(ModelError::Taken { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }

    /// Forgets a socket that went away, and tells its rooms.
    pub async fn disconnected(&self, sockets: &Sockets, socket_id: &str) {
        let (rooms, presences) = self.with(|people| {
            let rooms = people
                .remove(socket_id)
                .map(|p| p.rooms)
                .unwrap_or_default();
            let presences: Vec<Presence> = rooms
                .iter()
                .map(|room| Presence {
                    room: room.clone(),
                    users: Chat::users(people, room),
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

/// Lists the rooms anyone has joined, with how many people are in each now.
#[get("/rooms")]
pub async fn list_rooms(State(chat): State<Chat>) -> Result<Json<Vec<RoomSummary>>, ChatError> {
    let rooms = chat
        .model("room")?
        .find(
            &query(Vec::new(), Direction::Asc, 0, 1000),
            &Publish::nobody(),
        )
        .await?;
    let messages = chat.model("message")?;
    let mut out = Vec::new();
    for room in rooms {
        let Some(name) = room.get("name").and_then(Value::as_str) else {
            continue;
        };
        let count = messages
            .count(&query(vec![eq("room", name)], Direction::Asc, 0, 1))
            .await?;
        out.push(RoomSummary {
            online: chat.with(|people| Chat::users(people, name).len()),
            messages: usize::try_from(count).unwrap_or(usize::MAX),
            name: name.to_owned(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
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
    chat.remember(&room, &user).await?;
    let users = chat.with(|people| {
        let person = people.entry(id.clone()).or_insert_with(|| Person {
            user: user.clone(),
            rooms: BTreeSet::new(),
        });
        person.user = user.clone();
        person.rooms.insert(room.clone());
        Chat::users(people, &room)
    });
    let history = chat.history(&room).await?;
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
    let users = chat.with(|people| {
        if let Some(person) = people.get_mut(&id) {
            person.rooms.remove(&room);
        }
        Chat::users(people, &room)
    });
    let history = chat.history(&room).await?;
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
    let history = chat.history(&room).await?;
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
    let all = chat
        .model("message")?
        .find(&ModelRef::all(), &Publish::nobody())
        .await?
        .into_iter()
        .map(record_into)
        .collect::<Result<Vec<Message>, _>>()?;
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
    let user = chat
        .user_of(&id, &room)
        .ok_or_else(|| ChatError::NotJoined { room: room.clone() })?;
    let mut record = Record::new();
    record.insert("room".to_owned(), room.clone().into());
    record.insert("user".to_owned(), user.into());
    record.insert("text".to_owned(), text.into());
    record.insert("at".to_owned(), now_ms().into());
    record.insert("edited".to_owned(), false.into());
    let message: Message = record_into(
        chat.model("message")?
            .create(record, &Publish::nobody())
            .await?,
    )?;
    // A room keeps its last HISTORY messages.
    let older = query(
        vec![eq("room", room.as_str())],
        Direction::Desc,
        HISTORY as u64,
        1000,
    );
    for old in chat
        .model("message")?
        .find(&older, &Publish::nobody())
        .await?
    {
        if let Some(old) = old.get("id").and_then(Value::as_u64) {
            chat.forget(old).await?;
        }
    }
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
    let previous = chat.message(id).await?;
    if chat.user(&sid).as_deref() != Some(previous.user.as_str()) {
        return Err(ChatError::NotYours);
    }
    let mut changes = Record::new();
    changes.insert("text".to_owned(), text.into());
    changes.insert("edited".to_owned(), true.into());
    let key = i64::try_from(id).map_err(|_| ChatError::NotFound { id })?;
    let message: Message = record_into(
        chat.model("message")?
            .update(key, changes, &Publish::nobody())
            .await?,
    )?;
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
    let previous = chat.message(id).await?;
    if chat.user(&sid).as_deref() != Some(previous.user.as_str()) {
        return Err(ChatError::NotYours);
    }
    chat.forget(id).await?;
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
    let room = chat.message(id).await?.room;
    let user = chat
        .user_of(&sid, &room)
        .ok_or(ChatError::NotJoined { room })?;
    let mut record = Record::new();
    record.insert("user".to_owned(), user.into());
    record.insert("emoji".to_owned(), emoji.into());
    record.insert("message".to_owned(), id.into());
    let reaction: Reaction = record_into(
        chat.model("reaction")?
            .create(record, &Publish::nobody())
            .await?,
    )?;
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
    let message = chat.message(id).await?;
    let found = message
        .reactions
        .iter()
        .find(|r| r.id == reaction)
        .ok_or(ChatError::NotFound { id: reaction })?;
    if chat.user(&sid).as_deref() != Some(found.user.as_str()) {
        return Err(ChatError::NotYours);
    }
    let key = i64::try_from(reaction).map_err(|_| ChatError::NotFound { id: reaction })?;
    chat.model("reaction")?
        .destroy(key, &Publish::nobody())
        .await?;
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
    let user = chat.user(&id);
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
