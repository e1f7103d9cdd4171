//! Generates the todo client from the server's source and the sibling crate's it uses.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    sailroute_codegen::configure()
        .scan("../todo/src")
        .scan("../todo-shared/src")
        .rust_client("todo_client.rs")
        .compile()?;
    Ok(())
}
