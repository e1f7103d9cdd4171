//! Located errors, for the code generator (the macros use `syn::Error` spans instead).

use std::fmt;

use crate::model::SourceLoc;

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{loc}: {message}")]
pub struct Error {
    /// Where.
    pub loc: SourceLoc,
    /// What, and what to write instead.
    pub message: String,
}

impl Error {
    /// An error at `loc`.
    pub fn new(loc: SourceLoc, message: impl Into<String>) -> Self {
        Error {
            loc,
            message: message.into(),
        }
    }
}

/// Every problem found, in source order.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    /// One `file:line:col: message` line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Errors {
    /// The same as `Display`: a `build.rs` that returns these from `main` prints them
    /// readably, as anyhow does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
