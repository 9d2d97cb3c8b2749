//! Source texts as the ledger stores them: one zstd frame each (level 1, with its content
//! size and a checksum), in `source.packed_text`. A news article of 3 KB takes about 1.3 KB
//! packed, so about twelve share one of the ledger's 16 KiB pages where five did unpacked:
//! an ingest writes less than half the pages, twice over in WAL mode (once to the log, once
//! by the checkpoint).
//!
//! A frame is the standard zstd format: `zstd -d` reads one written out of the ledger, and
//! `treaty-ledger sources show ID` prints the text with its cited spans marked.

use std::cell::RefCell;

use crate::error::{Error, Result};

/// zstd's fastest regular level: news text packs to about 0.42 of its size here, the same
/// as level 3 at two thirds of the time.
const LEVEL: i32 = 1;

thread_local! {
    /// One compression context per thread (each ingest worker packs its own documents),
    /// kept rather than set up for every text.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// The stored form of `text`.
pub fn pack_text(text: &str) -> Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(new_compressor().map_err(packing)?),
        };
        compressor.compress(text.as_bytes()).map_err(packing)
    })
}

fn new_compressor() -> std::io::Result<zstd::bulk::Compressor<'static>> {
    let mut c = zstd::bulk::Compressor::new(LEVEL)?;
    c.include_checksum(true)?;
    c.include_contentsize(true)?;
    Ok(c)
}

fn packing(e: std::io::Error) -> Error {
    Error::StoredText(format!("packing a text: {e}"))
}

/// The text of source `source_id` from its stored form: an error, never a panic, for a
/// frame that is damaged (the checksum fails) or not UTF-8.
pub fn unpack_text(source_id: i64, packed: &[u8]) -> Result<String> {
    let damaged = |why: String| Error::StoredText(format!("source {source_id}: {why}"));
    let bytes = zstd::stream::decode_all(packed).map_err(|e| damaged(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| damaged(format!("not UTF-8 ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_comes_back_as_it_went_in() {
        for text in [
            "",
            "é",
            "Azerbaijan signed the Convention on 30 October 2023.\n\n",
        ] {
            let packed = pack_text(text).expect("packs");
            assert_eq!(unpack_text(1, &packed).expect("unpacks"), text);
        }
        let long =
            "The Council of Europe Convention against Trafficking in Human Organs. ".repeat(50);
        let packed = pack_text(&long).expect("packs");
        assert!(packed.len() < long.len() / 4, "{}", packed.len());
        assert_eq!(unpack_text(1, &packed).expect("unpacks"), long);
    }

    #[test]
    fn a_damaged_frame_is_an_error_naming_the_source() {
        let mut packed = pack_text("Azerbaijan signed the Convention.").expect("packs");
        let last = packed.len() - 1;
        packed[last] ^= 0xff; // the checksum
        let e = unpack_text(7, &packed).expect_err("damaged");
        assert!(e.to_string().contains("source 7"), "{e}");
        let e = unpack_text(8, b"plain text, never packed").expect_err("not a frame");
        assert!(e.to_string().contains("source 8"), "{e}");
    }
}
