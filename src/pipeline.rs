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
use crate::ledger::{pack_groups, pack_texts, Ledger, SourceIndex, TextAt, Writer};
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
/// extraction found and where its text lies in the packs of its batch.
struct Prepared {
    document: Document,
    hash: String,
    extraction: Option<(Extraction, InPack)>,
}

/// Where a prepared document's text lies: in pack `pack` of its batch, bytes `start..end`
/// of it unpacked.
#[derive(Debug, Clone, Copy)]
struct InPack {
    pack: usize,
    start: usize,
    end: usize,
}

/// A chunk of documents as read, each with its hash, and the malformed records skipped on
/// the way.
struct ReadChunk {
    hashed: Vec<(Document, String)>,
    skipped: Vec<Problem>,
}

/// A chunk of documents ready to write, the texts of the new ones packed ([`pack_texts`]),
/// with the malformed records skipped on the way.
struct Batch {
    prepared: Vec<Prepared>,
    packs: Vec<Vec<u8>>,
    skipped: Vec<Problem>,
}

/// Chunks in flight between one thread and the next.
const DEPTH: usize = 2;

/// Marks the documents of a hashed chunk the ledger already holds, and extracts the
/// others and packs their texts ([`pack_groups`]), in parallel. Without an
/// index (a ledger in memory) nothing counts as known here; the writer still records a
/// known document only once.
fn prepare_chunk(
    gazetteer: &Gazetteer,
    index: Option<&SourceIndex>,
    hashed: Vec<(Document, String)>,
) -> Result<(Vec<Prepared>, Vec<Vec<u8>>)> {
    let identified = hashed
        .into_iter()
        .map(|(d, h)| {
            let known = match index {
                Some(index) => index.contains(&h)?,
                None => false,
            };
            Ok((d, h, known))
        })
        .collect::<Result<Vec<_>>>()?;
    // Known documents have no text to pack.
    let groups = pack_groups(
        identified
            .iter()
            .map(|(d, _, known)| if *known { 0 } else { d.text.len() }),
    );
    let mut documents = identified.into_iter();
    let grouped: Vec<Vec<_>> = groups
        .into_iter()
        .map(|group| documents.by_ref().take(group.len()).collect())
        .collect();
    let groups = grouped
        .into_par_iter()
        .map(|group| {
            let new: Vec<&str> = group
                .iter()
                .filter(|(_, _, known)| !known)
                .map(|(d, _, _)| d.text.as_str())
                .collect();
            let (packed, places) = match new.is_empty() {
                true => (None, Vec::new()),
                false => {
                    let pack = pack_texts(&new)?;
                    (Some(pack.packed), pack.places)
                }
            };
            // The new documents have a place each, in order.
            let mut places = places.into_iter();
            let prepared = group
                .into_iter()
                .map(|(document, hash, known)| {
                    let extraction = match known {
                        true => None,
                        false => {
                            let (start, end) = places.next().ok_or_else(|| {
                                Error::StoredText(format!(
                                    "{}: no place in its pack",
                                    document.origin
                                ))
                            })?;
                            let place = InPack {
                                pack: 0,
                                start,
                                end,
                            };
                            Some((extract(&document, gazetteer), place))
                        }
                    };
                    Ok(Prepared {
                        document,
                        hash,
                        extraction,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((prepared, packed))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut prepared = Vec::with_capacity(groups.iter().map(|(g, _)| g.len()).sum());
    let mut packs = Vec::new();
    for (mut group, packed) in groups {
        if let Some(packed) = packed {
            for (_, place) in group.iter_mut().filter_map(|p| p.extraction.as_mut()) {
                place.pack = packs.len();
            }
            packs.push(packed);
        }
        prepared.append(&mut group);
    }
    Ok((prepared, packs))
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
            let (prepared, packs) = prepare_chunk(gazetteer, index.as_ref(), read.hashed)?;
            Ok(Batch {
                prepared,
                packs,
                skipped: read.skipped,
            })
        });
        let failed = batch.is_err();
        if to_writer.send(batch).is_err() || failed {
            return;
        }
    }
}

/// Records the documents of a batch, storing each pack before the first of its texts.
fn write_chunk(writer: &mut Writer, batch: &Batch, summary: &mut IngestSummary) -> Result<()> {
    // Each pack's id once stored, and whether a new source's text is in it.
    let mut stored: Vec<Option<(i64, bool)>> = vec![None; batch.packs.len()];
    for p in &batch.prepared {
        summary.documents_read += 1;
        let Some((extraction, place)) = &p.extraction else {
            summary.documents_known += 1;
            continue;
        };
        let (pack_id, used) = match stored.get_mut(place.pack).zip(batch.packs.get(place.pack)) {
            Some((Some(pack), _)) => pack,
            Some((slot, packed)) => slot.insert((writer.add_text_pack(packed)?, false)),
            None => {
                return Err(Error::StoredText(format!(
                    "{}: its text's pack is not in its batch",
                    p.document.origin
                )))
            }
        };
        let recorded = writer.record_document(
            &p.document,
            &p.hash,
            TextAt::Pack {
                pack_id: *pack_id,
                start: place.start,
                end: place.end,
            },
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
    for (pack_id, _) in stored.into_iter().flatten().filter(|(_, used)| !used) {
        writer.remove_text_pack(pack_id)?;
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
