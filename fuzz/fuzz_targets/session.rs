//! Any bytes as a script of packets, clock steps, wake-ups and closes for one Engine.IO session.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::session(data);
});
