//! Minimal reproduction of the largest per-socket allocation left in an idle Socket.IO socket
//! (docs/benchmarks.md, "What only the transport can cut"): engineioxide gives every socket a
//! bounded `tokio::sync::mpsc` channel of `PacketBuf` (a `SmallVec` of two packets, inline),
//! and tokio allocates the channel's first block of 32 slots when the channel is created, so
//! an idle socket holds 32 × `size_of::<PacketBuf>()` bytes whatever the configured capacity.
//! Boxing the item would shrink a slot to one pointer.
//!
//! `cargo run --release -p sailroute-bench --bin repro-channel`
//!
//! Counts bytes with dhat's heap profiler (requested sizes, without the allocator's own
//! overhead), so the figures are exact and the same on every run.

use engineioxide_core::PacketBuf;
use tokio::sync::mpsc;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const CHANNELS: usize = 10_000;

/// Bytes held per channel of `T` with `capacity`, over `CHANNELS` channels kept alive.
fn per_channel<T>(capacity: usize) -> usize {
    let live = || dhat::HeapStats::get().curr_bytes;
    let before = live();
    let channels: Vec<_> = (0..CHANNELS)
        .map(|_| mpsc::channel::<T>(capacity))
        .collect();
    let vec = channels.capacity() * size_of::<(mpsc::Sender<T>, mpsc::Receiver<T>)>();
    let held = live() - before - vec;
    drop(channels);
    held / CHANNELS
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    println!("size_of::<PacketBuf>() = {} bytes", size_of::<PacketBuf>());
    for capacity in [1, 128, 1536] {
        println!(
            "capacity {capacity:>5}: {:>5} bytes per idle channel of PacketBuf, {:>4} of Box<PacketBuf>",
            per_channel::<PacketBuf>(capacity),
            per_channel::<Box<PacketBuf>>(capacity),
        );
    }
}
