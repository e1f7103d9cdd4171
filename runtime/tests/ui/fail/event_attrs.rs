use serde::Serialize;

#[sailroute::event("connect")]
#[derive(Serialize)]
struct Reserved;

#[sailroute::event("")]
#[derive(Serialize)]
struct Empty;

#[sailroute::resource("bad name")]
#[derive(Serialize)]
struct Spaced;

#[sailroute::resource("pet", key = u64)]
#[derive(Serialize)]
struct WrongKey;

#[sailroute::event("ok")]
fn not_a_type() {}

fn main() {}
