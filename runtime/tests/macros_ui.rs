//! Compile-time behaviour of the route macros: what compiles, and the exact message for
//! each misuse (`.stderr` files beside the cases).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
