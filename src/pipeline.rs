//! The ingest pipeline: documents in, sources, events and citations out. Reading is
//! streamed, a chunk of documents at a time: one thread reads a chunk (parsing and
//! hashing in parallel) while another prepares the chunk before (known-document check,
//! then extraction and packing of the text, in parallel) and the calling thread records
//! the one before that. Every file is one transaction: a malformed record fails the whole file
//! (or, with `keep_going`, is reported and skipped) and a failed file leaves the ledger as
//! it was.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use rayon::prelude::*;
use serde::Serialize;

use crate::document::source_hash;
use crate::error::{Error, Problem, Result};
use crate::extract::extract;
use crate::gazetteer::Gazetteer;
use crate::ledger::{pack_groups, pack_texts, Ledger, SourceIndex, TextAt, TextPack, Writer};
use crate::model::{Document, Extraction};

/// Documents extracted together before they are written.
pub const CHUNK: usize = 256;

/// How a run treats bad records.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Skip malformed records (reporting each) instead of failing their file.
    pub keep_going: bool,
}

/// What an ingest run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IngestSummary {
    pub files: usize,
    pub files_failed: usize,
    pub documents_read: usize,
    pub documents_new: usize,
    pub documents_known: usize,
    pub records_skipped: usize,
    pub claims: usize,
    pub events_created: usize,
    pub events_corroborated: usize,
}

impl IngestSummary {
    pub fn add(&mut self, other: &IngestSummary) {
        self.files += other.files;
        self.files_failed += other.files_failed;
        self.documents_read += other.documents_read;
        self.documents_new += other.documents_new;
        self.documents_known += other.documents_known;
        self.records_skipped += other.records_skipped;
        self.claims += other.claims;
        self.events_created += other.events_created;
        self.events_corroborated += other.events_corroborated;
    }
}

/// One document with its identity and, unless the ledger knows it already, what
/// extraction found and where its text lies in its group's pack: bytes `start..end` of it
/// unpacked.
struct Prepared {
    document: Document,
    hash: String,
    extraction: Option<(Extraction, (usize, usize))>,
}

/// Documents read side by side whose new texts share one frame ([`pack_groups`]); the
/// frame is `None` when every one of them is known.
struct PackedGroup {
    prepared: Vec<Prepared>,
    packed: Option<Vec<u8>>,
}

/// A chunk of documents as read, each with its hash, and the malformed records skipped on
/// the way.
struct ReadChunk {
    hashed: Vec<(Document, String)>,
    skipped: Vec<Problem>,
}

/// A chunk of documents ready to write, in groups that share a pack, with the malformed
/// records skipped on the way.
struct Batch {
    groups: Vec<PackedGroup>,
    skipped: Vec<Problem>,
}

/// Chunks in flight between one thread and the next.
const DEPTH: usize = 2;

/// Marks the documents of a hashed chunk the ledger already holds, and extracts the
/// others and packs their texts ([`pack_groups`]), in parallel. Without an
/// index (a ledger in memory) nothing counts as known here; the writer still records a
/// known document only once.
///
/// Extraction is shared out by document and packing by group, side by side in the pool,
/// so that the pool splits both as finely as it needs: when each task was a group (about
/// 20 documents, packed then extracted), one worker waited at the end of every chunk for
/// the other's last group, and the two vCPUs were 12% idle in a 100k ingest.
fn prepare_chunk(
    gazetteer: &Gazetteer,
    index: Option<&SourceIndex>,
    hashed: Vec<(Document, String)>,
) -> Result<Vec<PackedGroup>> {
    let known = match index {
        Some(index) => index.known(&hashed.iter().map(|(_, h)| h.as_str()).collect::<Vec<_>>())?,
        None => vec![false; hashed.len()],
    };
    let identified: Vec<(Document, String, bool)> = hashed
        .into_iter()
        .zip(known)
        .map(|((d, h), known)| (d, h, known))
        .collect();
    // Known documents have no text to pack.
    let groups = pack_groups(
        identified
            .iter()
            .map(|(d, _, known)| if *known { 0 } else { d.text.len() }),
    );
    let (packs, extractions) = rayon::join(
        || {
            groups
                .par_iter()
                .map(|group| {
                    let new: Vec<&str> = identified[group.clone()]
                        .iter()
                        .filter(|(_, _, known)| !known)
                        .map(|(d, _, _)| d.text.as_str())
                        .collect();
                    match new.is_empty() {
                        true => Ok(None),
                        false => pack_texts(&new).map(Some),
                    }
                })
                .collect::<Result<Vec<Option<TextPack>>>>()
        },
        || {
            identified
                .par_iter()
                .map(|(d, _, known)| (!known).then(|| extract(d, gazetteer)))
                .collect::<Vec<_>>()
        },
    );
    let mut documents = identified.into_iter().zip(extractions);
    groups
        .into_iter()
        .zip(packs?)
        .map(|(group, pack)| {
            let (packed, places) = match pack {
                Some(pack) => (Some(pack.packed), pack.places),
                None => (None, Vec::new()),
            };
            // The new documents have a place each, in order.
            let mut places = places.into_iter();
            let prepared = documents
                .by_ref()
                .take(group.len())
                .map(|((document, hash, _), extraction)| {
                    let extraction = match extraction {
                        None => None,
                        Some(extraction) => {
                            let place = places.next().ok_or_else(|| {
                                Error::StoredText(format!(
                                    "{}: no place in its pack",
                                    document.origin
                                ))
                            })?;
                            Some((extraction, place))
                        }
                    };
                    Ok(Prepared {
                        document,
                        hash,
                        extraction,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(PackedGroup { prepared, packed })
        })
        .collect()
}

/// Reads the documents a chunk at a time, hashes them (in parallel) and sends each chunk
/// to the preparing thread. A
/// malformed record ends the file with its problem unless `keep_going`. Stops when the
/// preparing thread hangs up.
fn read_all(
    documents: impl Iterator<Item = std::result::Result<Document, Problem>>,
    options: IngestOptions,
    mut progress: impl FnMut(&Document),
    to_preparing: SyncSender<Result<ReadChunk>>,
) {
    let mut documents = documents.peekable();
    while documents.peek().is_some() {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut skipped = Vec::new();
        for item in documents.by_ref() {
            match item {
                Ok(doc) => {
                    progress(&doc);
                    chunk.push(doc);
                    if chunk.len() == CHUNK {
                        break;
                    }
                }
                Err(problem) if options.keep_going => skipped.push(problem),
                Err(problem) => {
                    let _ = to_preparing.send(Err(Error::invalid(problem)));
                    return;
                }
            }
        }
        let read = ReadChunk {
            hashed: chunk
                .into_par_iter()
                .map(|d| {
                    let hash = source_hash(&d.text);
                    (d, hash)
                })
                .collect(),
            skipped,
        };
        if to_preparing.send(Ok(read)).is_err() {
            return;
        }
    }
}

/// Prepares each chunk read and sends it to the writer. Stops at the first error (the
/// reader's or its own), or when the writer hangs up.
fn prepare_all(
    chunks: Receiver<Result<ReadChunk>>,
    gazetteer: &Gazetteer,
    index: Option<SourceIndex>,
    to_writer: SyncSender<Result<Batch>>,
) {
    for chunk in chunks {
        let batch = chunk.and_then(|read| {
            Ok(Batch {
                groups: prepare_chunk(gazetteer, index.as_ref(), read.hashed)?,
                skipped: read.skipped,
            })
        });
        let failed = batch.is_err();
        if to_writer.send(batch).is_err() || failed {
            return;
        }
    }
}

/// Records the documents of a batch, storing each group's pack before the first of its
/// texts. A pack whose every document turns out to be known (a copy of one earlier in
/// the same file) goes again.
fn write_chunk(writer: &mut Writer, batch: &Batch, summary: &mut IngestSummary) -> Result<()> {
    for group in &batch.groups {
        // The pack's id once stored, and whether a new source's text is in it.
        let mut stored: Option<(i64, bool)> = None;
        for p in &group.prepared {
            summary.documents_read += 1;
            let Some((extraction, (start, end))) = &p.extraction else {
                summary.documents_known += 1;
                continue;
            };
            let (pack_id, used) = match (&mut stored, &group.packed) {
                (Some(pack), _) => pack,
                (None, Some(packed)) => stored.insert((writer.add_text_pack(packed)?, false)),
                (None, None) => {
                    return Err(Error::StoredText(format!(
                        "{}: its text's pack is not in its batch",
                        p.document.origin
                    )))
                }
            };
            let text = TextAt::Pack {
                pack_id: *pack_id,
                start: *start,
                end: *end,
            };
            let recorded = writer.record_document(
                &p.document,
                &p.hash,
                text,
                &extraction.claims,
                &extraction.unresolved,
            )?;
            if recorded.new {
                *used = true;
                summary.documents_new += 1;
                summary.claims += recorded.claims;
                summary.events_created += recorded.events_created;
                summary.events_corroborated += recorded.events_corroborated;
            } else {
                summary.documents_known += 1;
            }
        }
        if let Some((pack_id, false)) = stored {
            writer.remove_text_pack(pack_id)?;
        }
    }
    Ok(())
}

/// Ingests the documents of one file in one transaction. A malformed record fails the
/// file (nothing of it is written) unless `keep_going`, which reports it in `skipped`.
///
/// Three threads share the work, a chunk of documents at a time: one reads them (parsing
/// and hashing in parallel), one prepares them (the check for known documents, then
/// extraction and packing), the calling thread writes each chunk as it comes, in order.
/// Reading the next chunk overlaps the preparing thread's serial check of known documents.
pub fn ingest_file(
    ledger: &mut Ledger,
    gazetteer: &Gazetteer,
    documents: impl Iterator<Item = std::result::Result<Document, Problem>> + Send,
    options: IngestOptions,
    skipped: &mut Vec<Problem>,
    progress: impl FnMut(&Document) + Send,
) -> Result<IngestSummary> {
    let mut summary = IngestSummary {
        files: 1,
        ..IngestSummary::default()
    };
    let index = ledger.source_index()?;
    let mut writer = ledger.writer()?;
    let (to_preparing, chunks) = sync_channel(DEPTH);
    let (to_writer, batches) = sync_channel(DEPTH);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_all(documents, options, progress, to_preparing));
        let preparing = scope.spawn(move || prepare_all(chunks, gazetteer, index, to_writer));
        let written = (|| -> Result<()> {
            for batch in &batches {
                let mut batch = batch?;
                summary.records_skipped += batch.skipped.len();
                skipped.append(&mut batch.skipped);
                write_chunk(&mut writer, &batch, &mut summary)?;
            }
            Ok(())
        })();
        // Hang up first, so that a preparing thread waiting to send sees the writer gone
        // (and, as it stops, the reading thread sees it gone).
        drop(batches);
        for thread in [preparing, reading] {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        written
    })?;
    writer.commit()?;
    Ok(summary)
}

/// Extracts without writing (`ingest --dry-run`): each document's claims.
pub fn extract_all(gazetteer: &Gazetteer, documents: Vec<Document>) -> Vec<(Document, Extraction)> {
    documents
        .into_par_iter()
        .map(|d| {
            let e = extract(&d, gazetteer);
            (d, e)
        })
        .collect()
}
