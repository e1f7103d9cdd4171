//! A virtual request's payload (the first byte picks the method) through the bridge.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&method, payload)) = data.split_first() {
        sailroute::__fuzz::virtual_request(method, payload);
    }
});
