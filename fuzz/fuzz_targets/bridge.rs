//! A Socket.IO event's data (`["get", {"url": ...}]` from sails.io.js, or anything else)
//! decoded as a socket's request handler does and through the bridge.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::virtual_request(data);
});
