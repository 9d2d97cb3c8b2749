//! The ingest pipeline: documents in, sources, events and citations out. Reading is
//! streamed, extraction runs in parallel over a chunk of documents, and one writer records
//! the chunk. Every file is one transaction: a malformed record fails the whole file (or,
//! with `keep_going`, is reported and skipped) and a failed file leaves the ledger as it was.

use rayon::prelude::*;
use serde::Serialize;

use crate::document::source_hash;
use crate::error::{Error, Problem, Result};
use crate::extract::extract;
use crate::gazetteer::Gazetteer;
use crate::ledger::{Ledger, Writer};
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

/// One document with its identity and what extraction found (None: already known).
struct Prepared {
    document: Document,
    hash: String,
    extraction: Option<Extraction>,
}

/// Hashes a chunk (in parallel) and marks the documents the ledger already holds.
fn identify(writer: &Writer, chunk: Vec<Document>) -> Result<Vec<(Document, String, bool)>> {
    let hashed: Vec<(Document, String)> = chunk
        .into_par_iter()
        .map(|d| {
            let hash = source_hash(&d.text);
            (d, hash)
        })
        .collect();
    hashed
        .into_iter()
        .map(|(d, h)| {
            let known = writer.is_known(&h)?;
            Ok((d, h, known))
        })
        .collect()
}

/// Extracts (in parallel) the documents the ledger lacks.
fn extract_chunk(gazetteer: &Gazetteer, chunk: Vec<(Document, String, bool)>) -> Vec<Prepared> {
    chunk
        .into_par_iter()
        .map(|(document, hash, known)| {
            let extraction = (!known).then(|| extract(&document, gazetteer));
            Prepared {
                document,
                hash,
                extraction,
            }
        })
        .collect()
}

fn write_chunk(
    writer: &mut Writer,
    prepared: &[Prepared],
    summary: &mut IngestSummary,
) -> Result<()> {
    for p in prepared {
        summary.documents_read += 1;
        let Some(extraction) = &p.extraction else {
            summary.documents_known += 1;
            continue;
        };
        let recorded = writer.record_document(
            &p.document,
            &p.hash,
            &extraction.claims,
            &extraction.unresolved,
        )?;
        if recorded.new {
            summary.documents_new += 1;
            summary.claims += recorded.claims;
            summary.events_created += recorded.events_created;
            summary.events_corroborated += recorded.events_corroborated;
        } else {
            summary.documents_known += 1;
        }
    }
    Ok(())
}

/// Ingests the documents of one file in one transaction. A malformed record fails the
/// file (nothing of it is written) unless `keep_going`, which reports it in `skipped`.
pub fn ingest_file(
    ledger: &mut Ledger,
    gazetteer: &Gazetteer,
    documents: impl Iterator<Item = std::result::Result<Document, Problem>>,
    options: IngestOptions,
    skipped: &mut Vec<Problem>,
    mut progress: impl FnMut(&Document),
) -> Result<IngestSummary> {
    let mut summary = IngestSummary {
        files: 1,
        ..IngestSummary::default()
    };
    let mut writer = ledger.writer()?;
    let mut documents = documents.peekable();
    // While one chunk is extracted (on the thread pool), the one before it is written.
    let mut pending: Vec<Prepared> = Vec::new();
    while documents.peek().is_some() {
        let mut chunk = Vec::with_capacity(CHUNK);
        for item in documents.by_ref() {
            match item {
                Ok(doc) => {
                    progress(&doc);
                    chunk.push(doc);
                    if chunk.len() == CHUNK {
                        break;
                    }
                }
                Err(problem) if options.keep_going => {
                    summary.records_skipped += 1;
                    skipped.push(problem);
                }
                Err(problem) => return Err(Error::invalid(problem)),
            }
        }
        let identified = identify(&writer, chunk)?;
        let (extracted, written) = std::thread::scope(|scope| {
            let worker = scope.spawn(|| extract_chunk(gazetteer, identified));
            let written = write_chunk(&mut writer, &pending, &mut summary);
            (worker.join(), written)
        });
        written?;
        pending = extracted.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    write_chunk(&mut writer, &pending, &mut summary)?;
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
