//! A router response (status, content type, body) through the bridge into the ack payload.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let [high, low, content_type, body @ ..] = data {
        let status = u16::from_be_bytes([*high, *low]);
        sailroute::__fuzz::response_to_jwr(status, *content_type, body);
    }
});
