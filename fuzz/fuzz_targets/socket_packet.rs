//! Any text as a Socket.IO packet of either revision, then its binary assembly.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::socket_packet(data);
});
