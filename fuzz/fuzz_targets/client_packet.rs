//! A Socket.IO text frame from a (hostile) server through the Rust client's packet reader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Engine.IO delivers text frames as UTF-8 strings.
    if let Ok(text) = std::str::from_utf8(data) {
        sailroute_client::__fuzz::socket_io_packet(text);
    }
});
