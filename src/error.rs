//! The library's error type. Every variant says whether the user can fix it (exit code 1)
//! or it is the tool's own failure (exit code 2).

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with one place of an input: `FILE:LINE: column: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<String>,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

fn join_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each message says all that its cause says, so no variant hands the cause on as its
/// `source`: the command line prints an error with its chain, which would repeat it
/// ("/tmp: Is a directory (os error 21): Is a directory (os error 21)").
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown {what} '{given}' (expected one of: {expected})")]
    UnknownWord {
        what: &'static str,
        given: String,
        expected: String,
    },

    #[error("'{0}' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date)")]
    BadDate(String),

    #[error("unknown state '{given}'{}", suggest(.suggestions))]
    UnknownState {
        given: String,
        suggestions: Vec<String>,
    },

    #[error("'{given}' names more than one state: {}", .candidates.join(", "))]
    AmbiguousState {
        given: String,
        candidates: Vec<String>,
    },

    #[error("unknown instrument '{given}'{}", suggest(.suggestions))]
    UnknownInstrument {
        given: String,
        suggestions: Vec<String>,
    },

    /// Input that cannot be used, with every problem found in it; nothing was written.
    #[error("{}\n{} problem{} found; nothing was written", join_problems(.0), .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Problem>),

    #[error("{path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },

    #[error("{0}")]
    Usage(String),

    #[error("ledger {path}: {message}")]
    Ledger { path: String, message: String },

    #[error("SQLite: {0}")]
    Sqlite(rusqlite::Error),

    /// A source's stored text that cannot be packed or read back.
    #[error("stored text: {0}")]
    StoredText(String),

    #[error("shipped data {file}: {message}")]
    ShippedData { file: &'static str, message: String },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", suggestions.join(", "))
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause,
        }
    }

    /// One problem at one place of an input.
    pub fn invalid(problem: Problem) -> Self {
        Error::Invalid(vec![problem])
    }

    /// Exit code a script can trust: 1 for input the user can fix, 2 for the tool's failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Sqlite(_)
            | Error::ShippedData { .. }
            | Error::Ledger { .. }
            | Error::StoredText(_) => 2,
            Error::Io { cause, .. } if cause.kind() != std::io::ErrorKind::NotFound => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
