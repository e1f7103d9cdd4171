//! Generates the page's typed API (`browser.js`) from this crate's own routes.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    sailroute_codegen::configure()
        .scan("src/api.rs")
        .js_client("js")
        .compile()?;
    Ok(())
}
