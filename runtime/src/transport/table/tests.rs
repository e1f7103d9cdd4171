use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

fn reached(table: &Table<u32>, rooms: &[&str], except: Option<SocketId>) -> Vec<u32> {
    let mut got = Vec::new();
    table.for_each_in(rooms, except, |_, value| got.push(**value));
    got.sort_unstable();
    got
}

#[test]
fn an_id_reads_back_and_has_the_length_of_an_engine_io_id() {
    let mut table = Table::default();
    let (id, _) = table.insert(|_| 0u32);
    let text = id.to_string();
    assert_eq!(text.len(), 16);
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(text.parse::<SocketId>(), Ok(id));
    // socketioxide reads it as one of its own, so the ids of both transports mix in rooms.
    assert!(text.parse::<socketioxide::socket::Sid>().is_ok());
}

#[test]
fn texts_that_are_not_ids_are_refused() {
    for text in [
        "",
        "short",
        "AAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAA+",
        "ÄAAAAAAAAAAAAAA",
    ] {
        assert_eq!(
            text.parse::<SocketId>(),
            Err(NotASocketId(text.to_owned())),
            "{text:?}"
        );
    }
}

#[test]
fn a_reused_slot_is_a_different_socket() {
    let mut table = Table::default();
    let (first, _) = table.insert(|_| 1u32);
    assert!(table.join(first, "lobby"));
    assert_eq!(table.remove(first).as_deref(), Some(&1));
    let (second, _) = table.insert(|_| 2u32);
    assert_eq!(second.slot(), first.slot(), "the slot is reused");
    assert_ne!(second, first);
    assert!(table.get(first).is_none());
    assert!(!table.join(first, "lobby"), "a gone socket joins nothing");
    assert!(table.remove(first).is_none());
    assert_eq!(reached(&table, &["lobby"], None), Vec::<u32>::new());
    assert_eq!(
        reached(&table, &[&first.to_string()], None),
        Vec::<u32>::new()
    );
    assert_eq!(table.room_count(), 0, "the room went with its last member");
    assert_eq!(table.len(), 1);
}

#[test]
fn a_socket_is_reached_by_its_id_and_never_leaves_that_room() {
    let mut table = Table::default();
    let (a, _) = table.insert(|_| 1u32);
    let (_b, _) = table.insert(|_| 2u32);
    let own = a.to_string();
    assert!(table.join(a, &own));
    assert!(table.leave(a, &own));
    assert_eq!(reached(&table, &[&own], None), vec![1]);
    assert_eq!(table.room_count(), 0, "the own room has no entry");
    assert_eq!(table.rooms_of(a), Some(vec![Arc::from(own.as_str())]));
}

#[test]
fn several_rooms_reach_each_socket_once_and_except_skips_one() {
    let mut table = Table::default();
    let (a, _) = table.insert(|_| 1u32);
    let (b, _) = table.insert(|_| 2u32);
    let (c, _) = table.insert(|_| 3u32);
    for id in [a, b] {
        table.join(id, "x");
        table.join(id, "y");
    }
    table.join(c, "y");
    assert_eq!(
        reached(&table, &["x", "y", &a.to_string()], None),
        vec![1, 2, 3]
    );
    assert_eq!(reached(&table, &["x", "y"], Some(b)), vec![1, 3]);
    assert_eq!(reached(&table, &["nobody"], None), Vec::<u32>::new());
    let mut all = Vec::new();
    table.for_each(Some(c), |_, v| all.push(**v));
    all.sort_unstable();
    assert_eq!(all, vec![1, 2]);
}

/// One step of a property test, on the table and on a plain model of it.
#[derive(Debug, Clone)]
enum Op {
    Connect,
    Disconnect(usize),
    Join(usize, u8),
    Leave(usize, u8),
    /// A gone socket's id (its slot perhaps reused) tries to join.
    JoinGone(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Connect),
        1 => any::<usize>().prop_map(Op::Disconnect),
        3 => (any::<usize>(), 0u8..6).prop_map(|(s, r)| Op::Join(s, r)),
        2 => (any::<usize>(), 0u8..6).prop_map(|(s, r)| Op::Leave(s, r)),
        1 => (any::<usize>(), 0u8..6).prop_map(|(s, r)| Op::JoinGone(s, r)),
    ]
}

fn room(r: u8) -> String {
    format!("room-{r}")
}

type Model = BTreeMap<u32, (SocketId, BTreeSet<String>)>;

/// Everything the table answers, against the model: each room and pairs of rooms (each socket
/// once), with and without a socket left out, every socket, each socket's rooms and its own
/// room, and gone ids found nowhere.
fn agrees(table: &Table<u32>, model: &Model, gone: &[SocketId]) -> Result<(), TestCaseError> {
    prop_assert_eq!(table.len(), model.len());
    let members = |rooms: &[String], except: Option<SocketId>| -> Vec<u32> {
        model
            .iter()
            .filter(|(_, (id, joined))| {
                Some(*id) != except && rooms.iter().any(|r| joined.contains(r))
            })
            .map(|(v, _)| *v)
            .collect()
    };
    let mut used = BTreeSet::new();
    let first = model.values().next().map(|(id, _)| *id);
    for r in 0..6u8 {
        if !members(&[room(r)], None).is_empty() {
            used.insert(r);
        }
        for except in [None, first] {
            prop_assert_eq!(
                reached(table, &[&room(r)], except),
                members(&[room(r)], except)
            );
            let pair = [room(r), room((r + 1) % 6)];
            prop_assert_eq!(
                reached(table, &[&pair[0], &pair[1]], except),
                members(&pair, except)
            );
        }
    }
    prop_assert_eq!(table.room_count(), used.len());
    let mut all = Vec::new();
    table.for_each(first, |_, v| all.push(**v));
    all.sort_unstable();
    let expected: Vec<u32> = model
        .iter()
        .filter(|(_, (id, _))| Some(*id) != first)
        .map(|(v, _)| *v)
        .collect();
    prop_assert_eq!(all, expected);
    for (v, (id, rooms)) in model {
        let listed = table.rooms_of(*id).expect("connected");
        let own = id.to_string();
        prop_assert_eq!(&*listed[0], own.as_str());
        let listed: BTreeSet<String> = listed[1..].iter().map(|r| r.to_string()).collect();
        prop_assert_eq!(&listed, rooms);
        prop_assert_eq!(reached(table, &[&own], None), vec![*v]);
    }
    for id in gone {
        prop_assert!(table.get(*id).is_none());
        prop_assert!(table.rooms_of(*id).is_none());
    }
    Ok(())
}

proptest! {
    /// Whatever sequence of connects, disconnects, joins and leaves, after every step each room
    /// reaches exactly the sockets that joined it and are still here, each socket lists exactly
    /// its rooms, and empty rooms are forgotten.
    #[test]
    fn the_table_agrees_with_a_model(ops in proptest::collection::vec(op(), 1..120)) {
        let mut table = Table::default();
        let mut model = Model::new();
        let mut gone: Vec<SocketId> = Vec::new();
        let mut next = 0u32;
        for op in ops {
            let live: Vec<u32> = model.keys().copied().collect();
            let pick = |i: usize| (!live.is_empty()).then(|| live[i % live.len()]);
            match op {
                Op::Connect => {
                    let value = next;
                    next += 1;
                    let (id, stored) = table.insert(|_| value);
                    prop_assert_eq!(*stored, value);
                    model.insert(value, (id, BTreeSet::new()));
                }
                Op::Disconnect(i) => if let Some(v) = pick(i) {
                    let (id, _) = model.remove(&v).expect("live");
                    let removed = table.remove(id);
                    prop_assert_eq!(removed.as_deref(), Some(&v));
                    gone.push(id);
                }
                Op::Join(i, r) => if let Some(v) = pick(i) {
                    let (id, rooms) = model.get_mut(&v).expect("live");
                    prop_assert!(table.join(*id, &room(r)));
                    rooms.insert(room(r));
                }
                Op::Leave(i, r) => if let Some(v) = pick(i) {
                    let (id, rooms) = model.get_mut(&v).expect("live");
                    prop_assert!(table.leave(*id, &room(r)));
                    rooms.remove(&room(r));
                }
                Op::JoinGone(i, r) => if !gone.is_empty() {
                    prop_assert!(!table.join(gone[i % gone.len()], &room(r)));
                }
            }
            agrees(&table, &model, &gone)?;
        }
    }
}
