//! Regular expressions compiled the first time they are used. A document needs few of
//! the extractor's patterns (the others are gated away), and compiling all of them costs
//! more than extracting a short article, so one-article runs stay quick.

use std::sync::OnceLock;

use regex::Regex;

/// A regex and its source, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: String,
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// The pattern of `source` (checked when first used: the sources are the program's own,
    /// and a test compiles every one of them).
    pub fn new(source: impl Into<String>) -> Pattern {
        Pattern {
            source: source.into(),
            regex: OnceLock::new(),
        }
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        self.regex
            .get_or_init(|| Regex::new(&self.source).expect("valid pattern"))
    }

    /// The regex compiled afresh, or why it does not compile: for the tests that check
    /// every pattern the program holds.
    pub fn try_regex(&self) -> Result<Regex, regex::Error> {
        Regex::new(&self.source)
    }
}
