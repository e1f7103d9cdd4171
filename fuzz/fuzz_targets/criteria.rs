//! A blueprint `find`'s query string through the criteria parser.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sailroute::__fuzz::criteria(data);
});
