//! Arbitrary Rust source through the scanner that both the macros and codegen use, then
//! through mount resolution and validation: errors are fine, panics are not.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scanned) = sailroute_ir::parse::file("fuzz.rs", source)
        && let Ok(api) = sailroute_ir::resolve(vec![scanned])
    {
        let _ = sailroute_ir::validate(&api);
    }
});
