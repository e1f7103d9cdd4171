//! Any bytes as what a client writes on a WebSocket, read whole and split in two.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::ws_frame(data);
});
