//! Sentence segmentation with byte spans into the document's text.
//!
//! Paragraphs are separated by blank lines; a line break ends a sentence unless it only
//! wraps one. Abbreviations ("U.S.", "No. 216", "Gen.", "Art. 5"), initials and decimals
//! do not end a sentence. A dateline header (` date 2023-10-31 ...`) is skipped.

use crate::model::Span;

/// One sentence: its byte span in the text and the paragraph it belongs to (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
}

/// Words that commonly open a sentence: after "U.S." they mean the sentence ended there.
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "We",
    "I",
    "In",
    "On",
    "At",
    "A",
    "An",
    "But",
    "And",
    "However",
    "Meanwhile",
    "Also",
    "Its",
    "Their",
    "His",
    "Her",
    "There",
    "According",
    "After",
    "Before",
    "As",
    "When",
    "While",
    "Earlier",
    "Later",
    "Last",
    "Since",
    "With",
];

/// Where the article body starts: after a first line that is a dateline header
/// (` date 2023-10-31 ...`), else at 0.
pub fn body_start(text: &str) -> usize {
    let line_end = text.find('\n').unwrap_or(text.len());
    let first = text[..line_end].trim_start();
    let is_dateline = first
        .strip_prefix("date ")
        .map(|rest| {
            let b = rest.as_bytes();
            b.len() >= 10
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[5..7].iter().all(u8::is_ascii_digit)
                && b[7] == b'-'
                && b[8..10].iter().all(u8::is_ascii_digit)
        })
        .unwrap_or(false);
    if is_dateline {
        (line_end + 1).min(text.len())
    } else {
        0
    }
}

/// The sentences of a document's text, skipping a dateline header.
pub fn sentences(text: &str) -> Vec<Sentence> {
    // Room for sentences of 100 bytes, about what news writes, so the list seldom grows.
    let mut out = Vec::with_capacity(text.len() / 100 + 1);
    let start = body_start(text);
    let mut paragraph = 0;
    let mut para_start: Option<usize> = None;
    let mut pos = start;
    // Walk line by line; a blank line closes the paragraph.
    while pos <= text.len() {
        let line_end =
            memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        if line.trim().is_empty() {
            if let Some(ps) = para_start.take() {
                split_paragraph(text, ps, pos, paragraph, &mut out);
                paragraph += 1;
            }
        } else if para_start.is_none() {
            para_start = Some(pos);
        }
        if line_end >= text.len() {
            break;
        }
        pos = line_end + 1;
    }
    if let Some(ps) = para_start {
        split_paragraph(text, ps, text.len(), paragraph, &mut out);
    }
    out
}

/// A sentence longer than this many bytes is cut at the next space: no news sentence is
/// that long, and a quote must stay readable (a 50 MB line without a full stop is not one
/// 50 MB sentence).
const MAX_SENTENCE: usize = 2_000;

/// A paragraph is split in pieces of about this many bytes (at a space) before it is
/// segmented, so that the work on one paragraph stays bounded in memory.
const MAX_PIECE: usize = 64 * 1024;

/// Splits `text[start..end]` (one paragraph) into sentences.
fn split_paragraph(
    text: &str,
    start: usize,
    end: usize,
    paragraph: usize,
    out: &mut Vec<Sentence>,
) {
    let mut start = start;
    while end - start > MAX_PIECE {
        let mut cut = start + MAX_PIECE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = text[start..cut]
            .rfind(char::is_whitespace)
            .map_or(cut, |i| start + i)
            .max(start + 1);
        let mut cut = cut;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        split_piece(text, start, cut, paragraph, out);
        start = cut;
    }
    split_piece(text, start, end, paragraph, out);
}

/// Splits `text[start..end]` (a paragraph or a piece of a long one) into sentences.
///
/// It jumps from one byte where a sentence may end to the next (line breaks, terminators,
/// and the first byte of the three-byte characters, '…' among them); in between, only an
/// over-long sentence is cut (at its first whitespace after [`MAX_SENTENCE`] bytes, or anywhere after twice
/// that). `fast_split_equals_the_character_walk` checks it against a walk that looks at
/// every character.
fn split_piece(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let para = &text[start..end];
    let bytes = para.as_bytes();
    let mut sentence_start = 0;
    let mut at = 0;
    // The next '!' or '?' at or after `at` (rare: searched for again only once passed).
    let next_exclamation =
        |from: usize| memchr::memchr2(b'!', b'?', &bytes[from..]).map_or(para.len(), |k| from + k);
    let mut exclamation = next_exclamation(0);
    while at < para.len() {
        if exclamation < at {
            exclamation = next_exclamation(at);
        }
        let next = memchr::memchr3(b'.', b'\n', 0xE2, &bytes[at..])
            .map_or(para.len(), |k| at + k)
            .min(exclamation);
        // The characters before `next` can only cut an over-long sentence.
        while let Some(cut) = long_cut(para, at, next, sentence_start) {
            push_trimmed(para, start, sentence_start, cut, paragraph, out);
            sentence_start = cut;
            at = cut + para[cut..].chars().next().map_or(1, char::len_utf8);
        }
        let Some(c) = para[next..].chars().next() else {
            break;
        };
        let mut after = next + c.len_utf8();
        let mut cut: Option<usize> = None; // byte offset (in para) where the sentence ends
        if c == '\n' {
            if hard_line_break(para, next) {
                cut = Some(next);
            }
        } else if matches!(c, '.' | '!' | '?' | '…') {
            // Take the closing quotes and brackets that follow the terminator.
            let rest = &para[after..];
            let quotes = rest
                .char_indices()
                .find(|&(_, q)| !matches!(q, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
                .map_or(rest.len(), |(k, _)| k);
            let end_at = after + quotes;
            let followed_by_space = para[end_at..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
            if followed_by_space && ends_sentence(para, next, c, end_at) {
                cut = Some(end_at);
                after = end_at;
            }
        }
        let long = next - sentence_start;
        if cut.is_none() && long >= MAX_SENTENCE && (c.is_whitespace() || long >= 2 * MAX_SENTENCE)
        {
            cut = Some(next);
        }
        if let Some(cut) = cut {
            push_trimmed(para, start, sentence_start, cut, paragraph, out);
            sentence_start = cut;
        }
        at = after;
    }
    push_trimmed(para, start, sentence_start, para.len(), paragraph, out);
}

/// Where, among the characters of `para[from..to]`, a sentence started at `sentence_start`
/// is cut for its length: the first whitespace at least [`MAX_SENTENCE`] bytes in, or the
/// first character at least twice that far in.
fn long_cut(para: &str, from: usize, to: usize, sentence_start: usize) -> Option<usize> {
    let mut from = from.max(sentence_start + MAX_SENTENCE);
    if from >= to {
        return None;
    }
    while !para.is_char_boundary(from) {
        from += 1;
    }
    para[from..to]
        .char_indices()
        .map(|(k, c)| (from + k, c))
        .find(|&(p, c)| c.is_whitespace() || p - sentence_start >= 2 * MAX_SENTENCE)
        .map(|(p, _)| p)
}

fn push_trimmed(
    para: &str,
    base: usize,
    from: usize,
    to: usize,
    paragraph: usize,
    out: &mut Vec<Sentence>,
) {
    let piece = &para[from..to];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let s = base + from + lead;
    out.push(Sentence {
        span: Span::new(s, s + trimmed.len()),
        paragraph,
    });
}

/// Whether the line break at `at` ends a sentence, rather than wrapping one.
fn hard_line_break(para: &str, at: usize) -> bool {
    let before = para[..at].trim_end();
    let after = para[at + 1..].trim_start();
    let last = before.chars().next_back();
    let next = after.chars().next();
    let wraps = matches!(last, Some(c) if c.is_lowercase() || c == ',' || c == '-')
        && matches!(next, Some(c) if c.is_lowercase() || c.is_ascii_digit());
    !wraps
}

/// Whether the terminator `c` at byte `at` ends the sentence; `after` is the byte offset
/// just past it and its closing quotes.
fn ends_sentence(para: &str, at: usize, c: char, after: usize) -> bool {
    let rest = para[after..].trim_start();
    let Some(next) = rest.chars().next() else {
        return true;
    };
    // The next sentence starts with a capital, a digit, or an opening quote/bracket.
    let starts_well = next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '—' | '-');
    if !starts_well {
        return false;
    }
    if c != '.' {
        return true;
    }
    // The word the full stop closes.
    let word_start = para[..at]
        .char_indices()
        .rev()
        .find(|&(_, ch)| ch.is_whitespace() || matches!(ch, '(' | '"' | '“' | '['))
        .map_or(0, |(i, ch)| i + ch.len_utf8());
    let word = &para[word_start..at];
    if word.is_empty() {
        return true;
    }
    if is_abbreviation(word) {
        return false;
    }
    // An initial ("J. Smith").
    let mut wc = word.chars();
    if let (Some(only), None) = (wc.next(), wc.next()) {
        if only.is_uppercase() {
            return false;
        }
    }
    // A dotted abbreviation ("U.S.", "e.g."): ends the sentence only before an opener.
    if word.contains('.') && word.chars().any(char::is_alphabetic) {
        let next_word: &str = rest
            .split(|ch: char| !ch.is_alphanumeric())
            .next()
            .unwrap_or("");
        return SENTENCE_OPENERS.contains(&next_word);
    }
    true
}

/// Whether a word takes a full stop without ending a sentence ("Mr.", "No. 216", "Art. 5").
fn is_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "Gen"
            | "Col"
            | "Lt"
            | "Maj"
            | "Capt"
            | "Cpt"
            | "Sgt"
            | "Adm"
            | "Gov"
            | "Sen"
            | "Rep"
            | "Reps"
            | "St"
            | "Ste"
            | "Jr"
            | "Sr"
            | "No"
            | "Nos"
            | "no"
            | "nos"
            | "Art"
            | "Arts"
            | "art"
            | "arts"
            | "Para"
            | "para"
            | "paras"
            | "Vol"
            | "vol"
            | "p"
            | "pp"
            | "cf"
            | "Cf"
            | "vs"
            | "v"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "Inc"
            | "Ltd"
            | "Co"
            | "Corp"
            | "approx"
            | "Mt"
            | "Rev"
            | "Hon"
            | "Amb"
            | "Sec"
            | "Dept"
            | "Fig"
            | "fig"
            | "ch"
            | "Ch"
            | "sec"
            | "Sect"
            | "Messrs"
            | "Mme"
            | "Mlle"
            | "Pres"
            | "Min"
            | "Gov't"
            | "Univ"
            | "Est"
            | "est"
            | "ca"
            | "Nr"
            | "nr"
            | "Doc"
            | "doc"
            | "Rs"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// The rules of [`split_piece`], applied character by character.
    fn split_piece_by_char(
        text: &str,
        start: usize,
        end: usize,
        paragraph: usize,
        out: &mut Vec<Sentence>,
    ) {
        let para = &text[start..end];
        let mut sentence_start = 0;
        let chars: Vec<(usize, char)> = para.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            let mut cut: Option<usize> = None; // byte offset (in para) where the sentence ends
            if c == '\n' {
                if hard_line_break(para, at) {
                    cut = Some(at);
                }
            } else if matches!(c, '.' | '!' | '?' | '…') {
                // Take the closing quotes and brackets that follow the terminator.
                let mut j = i + 1;
                while j < chars.len()
                    && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
                {
                    j += 1;
                }
                let end_at = chars.get(j).map_or(para.len(), |&(b, _)| b);
                let followed_by_space = chars.get(j).is_none_or(|&(_, n)| n.is_whitespace());
                if followed_by_space && ends_sentence(para, at, c, end_at) {
                    cut = Some(end_at);
                    i = j.saturating_sub(1);
                }
            }
            let long = at - sentence_start;
            if cut.is_none()
                && long >= MAX_SENTENCE
                && (c.is_whitespace() || long >= 2 * MAX_SENTENCE)
            {
                cut = Some(at);
            }
            if let Some(cut) = cut {
                push_trimmed(para, start, sentence_start, cut, paragraph, out);
                sentence_start = cut;
            }
            i += 1;
        }
        push_trimmed(para, start, sentence_start, para.len(), paragraph, out);
    }

    /// Cuts `text` into pieces by both walks and compares them.
    fn both_walks(text: &str) -> (Vec<Sentence>, Vec<Sentence>) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        split_piece(text, 0, text.len(), 0, &mut fast);
        split_piece_by_char(text, 0, text.len(), 0, &mut slow);
        (fast, slow)
    }

    proptest::proptest! {
        #[test]
        fn fast_split_equals_the_character_walk(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[A-Za-z]{1,8}").expect("regex"),
                    proptest::sample::select(vec![
                        ".", ". ", "! ", "? ", "… ", "\n", "\n\n", " ", "U.S.", "No.", "Mr.",
                        "3.5", "”", "’", "\"", ")", "é", "—", "“", "The", "e.g.", "J.", "  ",
                        "\u{a0}", "\u{2028}", ",\n", "a\nb",
                    ]).prop_map(str::to_string),
                ],
                0..400,
            ),
            glue in proptest::sample::select(vec!["", " "]),
        ) {
            let text = words.join(glue);
            let (fast, slow) = both_walks(&text);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn fast_split_equals_the_character_walk_on_long_runs() {
        for text in [
            "word ".repeat(3_000),
            "é".repeat(5_000),
            format!("{}. Next one.", "x".repeat(4_500)),
            format!("{} {}", "y".repeat(2_100), "z ".repeat(2_000)),
            format!("{}…\" Then", "w ".repeat(1_500)),
            "a\u{2003}".repeat(3_000),
        ] {
            let (fast, slow) = both_walks(&text);
            assert_eq!(fast, slow);
        }
    }

    #[test]
    fn sentences_without_an_end_are_cut_to_a_readable_length() {
        let text = "word ".repeat(100_000) + "end";
        let found = sentences(&text);
        assert!(found.len() > 100);
        for s in &found {
            assert!(s.span.len() <= 2 * MAX_SENTENCE, "{}", s.span.len());
            assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
        }
        let no_space = "é".repeat(100_000);
        for s in sentences(&no_space) {
            assert!(s.span.len() <= 2 * MAX_SENTENCE + 4);
            assert!(no_space.is_char_boundary(s.span.start));
        }
    }

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect()
    }

    #[test]
    fn splits_on_full_stops_and_paragraphs() {
        let text = "One sentence here. Another one!\n\nA new paragraph? Yes.";
        assert_eq!(
            split(text),
            [
                "One sentence here.",
                "Another one!",
                "A new paragraph?",
                "Yes."
            ]
        );
        let s = sentences(text);
        assert_eq!(s[1].paragraph, 0);
        assert_eq!(s[2].paragraph, 1);
    }

    #[test]
    fn keeps_abbreviations_inside() {
        assert_eq!(
            split("The U.S. signed CETS No. 216 with Gen. Smith under Art. 5 of it. Done."),
            [
                "The U.S. signed CETS No. 216 with Gen. Smith under Art. 5 of it.",
                "Done."
            ]
        );
        assert_eq!(
            split("Growth was 3.5 per cent. It fell."),
            ["Growth was 3.5 per cent.", "It fell."]
        );
        assert_eq!(
            split("It was signed by the U.S. The treaty then entered into force."),
            [
                "It was signed by the U.S.",
                "The treaty then entered into force."
            ]
        );
        assert_eq!(
            split("J. R. Smith met Mr. Jones on Oct. 30 in St. Louis."),
            ["J. R. Smith met Mr. Jones on Oct. 30 in St. Louis."]
        );
    }

    #[test]
    fn does_not_split_before_lower_case() {
        assert_eq!(
            split("The organisation (i.e. the CoE) said so. Then it left."),
            ["The organisation (i.e. the CoE) said so.", "Then it left."]
        );
    }

    #[test]
    fn keeps_closing_quotes_with_their_sentence() {
        assert_eq!(
            split("He said \"we signed.\" Then he left."),
            ["He said \"we signed.\"", "Then he left."]
        );
    }

    #[test]
    fn skips_the_dateline_and_keeps_offsets() {
        let text =
            " date 2023-10-31 31 October 2023 15:29\n\nHead met on October 30. The party signed.";
        let s = sentences(text);
        assert_eq!(s.len(), 2);
        assert_eq!(&text[s[1].span.start..s[1].span.end], "The party signed.");
        assert!(body_start(text) > 0);
        assert_eq!(body_start("No dateline here"), 0);
    }

    #[test]
    fn line_breaks_end_headlines_but_not_wrapped_lines() {
        assert_eq!(
            split("Azerbaijan signs convention\nBaku, 30 October. The party signed\nthe treaty today."),
            [
                "Azerbaijan signs convention",
                "Baku, 30 October.",
                "The party signed\nthe treaty today."
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            ".",
            "\n\n",
            "é. É",
            " date 2023-1",
            "a.\u{301} B",
            "…\"",
            "date 2023-10-31",
        ] {
            for s in sentences(text) {
                assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            }
        }
    }
}
