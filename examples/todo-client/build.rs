//! Generates the todo client from the server's source.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    sailroute_codegen::configure()
        .scan("../todo/src")
        .rust_client("todo_client.rs")
        .compile()?;
    Ok(())
}
