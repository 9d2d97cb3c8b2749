//! Plain-text analysis that knows nothing about treaties: sentences with byte spans
//! (`segment`) and date expressions resolved against a publication date (`dates`).

pub mod dates;
pub mod segment;

pub use dates::{find_dates, DateMention};
pub use segment::{body_start, sentences, Sentence};
