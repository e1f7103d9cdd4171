//! Generates the page's typed API (`browser.js`) from this crate's own routes (`src/api.rs`,
//! mounted in `src/lib.rs`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    sailroute_codegen::configure()
        .scan("src")
        .js_client("js")
        .compile()?;
    Ok(())
}
