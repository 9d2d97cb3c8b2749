//! Plain-text analysis that knows nothing about treaties: sentences with byte spans
//! (`segment`), date expressions resolved against a publication date (`dates`), and
//! regexes compiled on first use (`pattern`).

pub mod dates;
pub mod pattern;
pub mod segment;

pub use dates::{find_dates, DateMention};
pub use pattern::Pattern;
pub use segment::{body_start, sentences, Sentence};
