//! One timer structure for the heartbeats of every socket (issue 20: "heartbeats from one timer
//! structure for all sockets, not a timer per socket").
//!
//! A hashed timing wheel: deadlines are rounded up to a tick (100 ms is plenty for Engine.IO's
//! 20–25 s timers), and each slot of the wheel holds the sockets due at the ticks that map to it,
//! as `(socket id, due tick)` pairs of 8 bytes. One task advances the wheel once per tick and
//! asks each expired socket's session what is due ([`super::session::Session::on_deadline`]);
//! a socket whose deadline moved since it was scheduled is simply scheduled again, so nothing
//! is ever removed from the middle of a slot. A tokio `Sleep` per socket costs a timer entry
//! and a waker registration each (and a task wake-up per expiry); here a socket costs its
//! entries, at most a few, and an idle second costs ten wake-ups for the whole server.

use std::time::{Duration, Instant};

/// The heartbeat deadlines of every socket, by numeric socket id.
#[derive(Debug)]
pub struct Heartbeats {
    tick: Duration,
    start: Instant,
    slots: Vec<Vec<(u32, u64)>>,
    /// The next tick [`Heartbeats::expired`] will look at.
    cursor: u64,
    /// How many entries the slots hold.
    len: usize,
}

impl Heartbeats {
    /// A wheel of `slots` slots of `tick` each, starting at `now`. Deadlines further away than
    /// `slots × tick` are kept and come round again; choosing the horizon above the longest
    /// heartbeat timer keeps each entry to one look.
    ///
    /// # Panics
    /// If `tick` is zero or `slots` is zero: both are the server's own configuration.
    pub fn new(tick: Duration, slots: usize, now: Instant) -> Self {
        assert!(!tick.is_zero(), "a heartbeat tick is longer than zero");
        assert!(slots > 0, "a heartbeat wheel has at least one slot");
        Heartbeats {
            tick,
            start: now,
            slots: vec![Vec::new(); slots],
            cursor: 0,
            len: 0,
        }
    }

    /// The tick a deadline falls due at: rounded up, so nothing expires early.
    fn tick_of(&self, at: Instant) -> u64 {
        let since = at.saturating_duration_since(self.start);
        let ticks = since.as_nanos().div_ceil(self.tick.as_nanos());
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }

    /// Wakes `socket` at `due` (or at the next tick, if `due` has passed).
    pub fn schedule(&mut self, socket: u32, due: Instant) {
        let tick = self.tick_of(due).max(self.cursor);
        let slot = (tick % self.slots.len() as u64) as usize;
        self.slots[slot].push((socket, tick));
        self.len += 1;
    }

    /// Every socket whose deadline has passed by `now`, each once per time it was scheduled,
    /// appended to `out` in the order of their deadlines' ticks.
    pub fn expired(&mut self, now: Instant, out: &mut Vec<u32>) {
        // The last whole tick that has passed.
        let since = now.saturating_duration_since(self.start);
        let now_tick = u64::try_from(since.as_nanos() / self.tick.as_nanos()).unwrap_or(u64::MAX);
        let slots = self.slots.len() as u64;
        while self.cursor <= now_tick {
            if self.len == 0 {
                // Nothing to find in the ticks left: a long pause is not walked tick by tick.
                self.cursor = now_tick.saturating_add(1);
                break;
            }
            let tick = self.cursor;
            let slot = &mut self.slots[(tick % slots) as usize];
            let before = slot.len();
            slot.retain(|&(socket, due)| {
                if due <= tick {
                    out.push(socket);
                    false
                } else {
                    true
                }
            });
            self.len -= before - slot.len();
            match self.cursor.checked_add(1) {
                Some(next) => self.cursor = next,
                None => break,
            }
        }
    }

    /// How many wake-ups are scheduled (a socket may have more than one).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The tick's length: how often [`Heartbeats::expired`] is worth calling.
    pub fn tick(&self) -> Duration {
        self.tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the deadlines and the wheel's size, polled every 30 ms each wake-up fires
        /// exactly once, never before its deadline and at most one tick and one poll after it.
        #[test]
        fn every_deadline_fires_once_on_time(
            slots in 1usize..20,
            deadlines in proptest::collection::vec(0u64..5_000, 0..60),
        ) {
            let t0 = Instant::now();
            let mut wheel = Heartbeats::new(TICK, slots, t0);
            for (socket, due) in deadlines.iter().enumerate() {
                wheel.schedule(socket as u32, t0 + Duration::from_millis(*due));
            }
            let mut fired = vec![None; deadlines.len()];
            let mut at = 0;
            while at <= 5_200 {
                for socket in expired(&mut wheel, t0 + Duration::from_millis(at)) {
                    prop_assert!(fired[socket as usize].is_none(), "fired twice");
                    fired[socket as usize] = Some(at);
                }
                at += 30;
            }
            for (due, fired) in deadlines.iter().zip(&fired) {
                let fired = fired.expect("fired");
                prop_assert!(fired >= *due, "{fired} before {due}");
                prop_assert!(fired < due + 100 + 30, "{fired} late for {due}");
            }
            prop_assert!(wheel.is_empty());
        }
    }

    const TICK: Duration = Duration::from_millis(100);

    fn expired(wheel: &mut Heartbeats, at: Instant) -> Vec<u32> {
        let mut out = Vec::new();
        wheel.expired(at, &mut out);
        out
    }

    #[test]
    fn a_deadline_fires_once_at_its_tick_never_before() {
        let t0 = Instant::now();
        let mut wheel = Heartbeats::new(TICK, 8, t0);
        wheel.schedule(7, t0 + Duration::from_millis(250));
        assert!(expired(&mut wheel, t0 + Duration::from_millis(290)).is_empty());
        assert_eq!(expired(&mut wheel, t0 + Duration::from_millis(300)), [7]);
        assert!(expired(&mut wheel, t0 + Duration::from_secs(5)).is_empty());
        assert!(wheel.is_empty());
    }

    #[test]
    fn deadlines_beyond_the_horizon_come_round_again() {
        let t0 = Instant::now();
        // 4 slots of 100 ms: a 25 s deadline goes round the wheel 62 times first.
        let mut wheel = Heartbeats::new(TICK, 4, t0);
        wheel.schedule(1, t0 + Duration::from_secs(25));
        wheel.schedule(2, t0 + Duration::from_millis(100));
        let mut fired = Vec::new();
        let mut at = t0;
        while at <= t0 + Duration::from_secs(30) {
            for socket in expired(&mut wheel, at) {
                fired.push((socket, at.duration_since(t0).as_millis()));
            }
            at += Duration::from_millis(50);
        }
        assert_eq!(fired, [(2, 100), (1, 25_000)]);
    }

    #[test]
    fn many_sockets_each_fire_in_deadline_order_and_a_past_deadline_fires_next() {
        let t0 = Instant::now();
        let mut wheel = Heartbeats::new(TICK, 16, t0);
        for socket in 0..1000u32 {
            wheel.schedule(
                socket,
                t0 + Duration::from_millis(u64::from(socket % 10) * 100),
            );
        }
        assert_eq!(wheel.len(), 1000);
        let all = expired(&mut wheel, t0 + Duration::from_secs(1));
        assert_eq!(all.len(), 1000);
        let ticks: Vec<u32> = all.iter().map(|s| s % 10).collect();
        assert!(ticks.windows(2).all(|w| w[0] <= w[1]), "in deadline order");
        // A deadline already past fires at the next tick the wheel looks at.
        wheel.schedule(5000, t0);
        assert!(expired(&mut wheel, t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(
            expired(&mut wheel, t0 + Duration::from_millis(1100)),
            [5000]
        );
    }

    #[test]
    fn a_long_pause_fires_everything_that_passed() {
        let t0 = Instant::now();
        let mut wheel = Heartbeats::new(TICK, 4, t0);
        wheel.schedule(1, t0 + Duration::from_secs(1));
        wheel.schedule(2, t0 + Duration::from_secs(60));
        let mut fired = expired(&mut wheel, t0 + Duration::from_secs(3600));
        fired.sort_unstable();
        assert_eq!(fired, [1, 2]);
        // And the wheel goes on from there.
        wheel.schedule(3, t0 + Duration::from_secs(3601));
        assert!(expired(&mut wheel, t0 + Duration::from_millis(3_600_900)).is_empty());
        assert_eq!(expired(&mut wheel, t0 + Duration::from_secs(3601)), [3]);
    }
}
