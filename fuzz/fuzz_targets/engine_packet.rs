//! Any bytes as an Engine.IO frame and as the polling bodies of both versions.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::engine_packet(data);
});
