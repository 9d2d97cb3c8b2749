//! The ingest pipeline stage by stage, on the generated corpus (`benches/common/corpus.rs`):
//! reading a JSON Lines chunk, building the gazetteer, extraction per article (and its
//! parts: sentences, dates, names), hashing, ledger writes of a chunk, and a whole chunk
//! through `pipeline::ingest_file`. Small samples and ~3 s per bench, so that
//! `cargo bench` finishes in a few minutes on two cores.
//!
//! `cargo bench --bench pipeline -- extract` runs one group.

#[path = "common/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::ops::Range;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use treaty_ledger::document::{read_jsonl, source_hash};
use treaty_ledger::extract::extract;
use treaty_ledger::gazetteer::Gazetteer;
use treaty_ledger::ledger::{pack_groups, pack_texts, Ledger, TextAt, TextPack, Writer};
use treaty_ledger::model::{Document, Extraction};
use treaty_ledger::pipeline::{ingest_file, IngestOptions};
use treaty_ledger::reference::{shipped_instruments, shipped_states};
use treaty_ledger::text::{find_dates, sentences};

use corpus::{ArticleGenerator, Names};

/// Documents per chunk, as `pipeline` extracts and writes them.
const CHUNK: usize = 256;

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// A chunk of generated articles: its JSON Lines bytes and the documents read from them.
struct Chunk {
    jsonl: Vec<u8>,
    documents: Vec<Document>,
    text_bytes: u64,
}

fn chunk(names: &Names, seed: u64) -> Chunk {
    let (jsonl, _) = corpus::jsonl(names, seed, CHUNK);
    documents_of(jsonl)
}

/// A chunk of articles made of `claims` treaty actions each (the write path under load).
fn dense_chunk(names: &Names, seed: u64, claims: usize) -> Chunk {
    let mut generator = ArticleGenerator::new(names, seed);
    let mut jsonl = Vec::new();
    for _ in 0..CHUNK {
        corpus::write_jsonl(&mut jsonl, &generator.dense_article(claims)).expect("in memory");
    }
    documents_of(jsonl)
}

fn documents_of(jsonl: Vec<u8>) -> Chunk {
    let documents: Vec<Document> = read_jsonl("bench.jsonl", jsonl.as_slice())
        .collect::<Result<_, _>>()
        .expect("generated lines parse");
    let text_bytes = documents.iter().map(|d| d.text.len() as u64).sum();
    Chunk {
        jsonl,
        documents,
        text_bytes,
    }
}

fn shipped_gazetteer() -> Gazetteer {
    let states = shipped_states().expect("shipped states");
    let instruments = shipped_instruments().expect("shipped instruments");
    Gazetteer::from_reference(&states, &instruments)
}

fn read(c: &mut Criterion) {
    let names = Names::shipped();
    let chunk = chunk(&names, corpus::SEED);
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(chunk.jsonl.len() as u64));
    g.bench_function("jsonl_chunk_256", |b| {
        b.iter(|| {
            read_jsonl("bench.jsonl", black_box(chunk.jsonl.as_slice()))
                .filter(Result::is_ok)
                .count()
        })
    });
    g.throughput(Throughput::Bytes(chunk.text_bytes));
    g.bench_function("source_hash_chunk_256", |b| {
        b.iter(|| {
            chunk
                .documents
                .iter()
                .map(|d| source_hash(black_box(&d.text)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("pack_texts_chunk_256", |b| {
        b.iter(|| {
            packs(black_box(&chunk))
                .iter()
                .map(|(_, pack)| pack.packed.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn gazetteer(c: &mut Criterion) {
    let mut g = c.benchmark_group("gazetteer");
    g.bench_function("shipped_csv_parse", |b| {
        b.iter(|| {
            let s = shipped_states().expect("states");
            let i = shipped_instruments().expect("instruments");
            (s.len(), i.len())
        })
    });
    let states = shipped_states().expect("states");
    let instruments = shipped_instruments().expect("instruments");
    g.bench_function("build_from_reference", |b| {
        b.iter(|| Gazetteer::from_reference(black_box(&states), black_box(&instruments)))
    });
    g.bench_function("new_ledger_in_memory", |b| {
        b.iter(|| Ledger::open_in_memory().expect("ledger"))
    });
    let ledger = Ledger::open_in_memory().expect("ledger");
    g.bench_function("load_from_ledger", |b| {
        b.iter(|| ledger.gazetteer().expect("gazetteer"))
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("open.db");
    drop(Ledger::open(&path).expect("ledger"));
    g.bench_function("open_existing_file_ledger", |b| {
        b.iter(|| Ledger::open(&path).expect("ledger"))
    });
    g.finish();
}

fn extraction(c: &mut Criterion) {
    let names = Names::shipped();
    let gazetteer = shipped_gazetteer();
    let chunk = chunk(&names, corpus::SEED ^ 1);
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(chunk.text_bytes));
    g.bench_function("extract_chunk_256", |b| {
        b.iter(|| {
            chunk
                .documents
                .iter()
                .map(|d| extract(black_box(d), &gazetteer).claims.len())
                .sum::<usize>()
        })
    });
    g.bench_function("sentences_chunk_256", |b| {
        b.iter(|| {
            chunk
                .documents
                .iter()
                .map(|d| sentences(black_box(&d.text)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("gazetteer_find_chunk_256", |b| {
        b.iter(|| {
            chunk
                .documents
                .iter()
                .map(|d| gazetteer.find(black_box(&d.text), 0).len())
                .sum::<usize>()
        })
    });
    g.bench_function("find_dates_chunk_256", |b| {
        b.iter(|| {
            chunk
                .documents
                .iter()
                .map(|d| find_dates(black_box(&d.text), 0, d.published).len())
                .sum::<usize>()
        })
    });
    // One article reporting a treaty action, alone.
    let one = chunk
        .documents
        .iter()
        .find(|d| !extract(d, &gazetteer).claims.is_empty())
        .or(chunk.documents.first())
        .expect("a document");
    g.throughput(Throughput::Bytes(one.text.len() as u64));
    g.bench_function("extract_one_action_article", |b| {
        b.iter(|| extract(black_box(one), &gazetteer))
    });
    g.finish();
}

/// Extractions of a chunk, with each document's hash, ready to write.
fn prepared(chunk: &Chunk, gazetteer: &Gazetteer) -> Vec<(String, Extraction)> {
    chunk
        .documents
        .iter()
        .map(|d| (source_hash(&d.text), extract(d, gazetteer)))
        .collect()
}

/// The texts of a chunk packed as an ingest packs them: the documents of each frame (their
/// indices), and the frame with its texts' places.
fn packs(chunk: &Chunk) -> Vec<(Range<usize>, TextPack)> {
    let docs = &chunk.documents;
    pack_groups(docs.iter().map(|d| d.text.len()))
        .into_iter()
        .map(|group| {
            let texts: Vec<&str> = docs[group.clone()]
                .iter()
                .map(|d| d.text.as_str())
                .collect();
            let pack = pack_texts(&texts).expect("packed");
            (group, pack)
        })
        .collect()
}

/// Writes a chunk's documents, each pack before its texts, as an ingest's writer does.
fn write_chunk(
    writer: &mut Writer,
    chunk: &Chunk,
    extractions: &[(String, Extraction)],
    packs: &[(Range<usize>, TextPack)],
) {
    for (group, pack) in packs {
        let pack_id = writer.add_text_pack(&pack.packed).expect("pack");
        let documents = chunk.documents[group.clone()]
            .iter()
            .zip(&extractions[group.clone()]);
        for ((d, (hash, e)), &(start, end)) in documents.zip(&pack.places) {
            let text = TextAt::Pack {
                pack_id,
                start,
                end,
            };
            writer
                .record_document(d, hash, text, &e.claims, &e.unresolved)
                .expect("recorded");
        }
    }
}

/// A fresh ledger file (the shipped reference data loaded), outside the timing.
fn fresh_ledger(dir: &tempfile::TempDir, n: &mut usize) -> Ledger {
    *n += 1;
    let path = dir.path().join(format!("ledger-{n}.db"));
    Ledger::open(&path).expect("ledger")
}

fn ledger_writes(c: &mut Criterion) {
    let names = Names::shipped();
    let gazetteer = shipped_gazetteer();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    let mut g = c.benchmark_group("ledger");
    for (label, chunk) in [
        ("write_chunk_256", chunk(&names, corpus::SEED ^ 2)),
        (
            "write_chunk_256_dense40",
            dense_chunk(&names, corpus::SEED ^ 3, 40),
        ),
    ] {
        let extractions = prepared(&chunk, &gazetteer);
        let packs = packs(&chunk);
        let claims: usize = extractions.iter().map(|(_, e)| e.claims.len()).sum();
        eprintln!("ledger/{label}: {claims} claims in {CHUNK} documents");
        g.throughput(Throughput::Elements(CHUNK as u64));
        g.bench_function(label, |b| {
            b.iter_batched_ref(
                || fresh_ledger(&dir, &mut n),
                |ledger| {
                    let mut writer = ledger.writer().expect("writer");
                    write_chunk(&mut writer, &chunk, &extractions, &packs);
                    writer.commit().expect("commit");
                },
                BatchSize::PerIteration,
            )
        });
        if label == "write_chunk_256" {
            // The re-ingest path: every document already known.
            let mut ledger = fresh_ledger(&dir, &mut n);
            let mut writer = ledger.writer().expect("writer");
            write_chunk(&mut writer, &chunk, &extractions, &packs);
            writer.commit().expect("commit");
            let writer = ledger.writer().expect("writer");
            g.bench_function("is_known_chunk_256", |b| {
                b.iter(|| {
                    extractions
                        .iter()
                        .filter(|(hash, _)| writer.is_known(black_box(hash)).expect("query"))
                        .count()
                })
            });
        }
    }
    g.finish();
}

fn whole_chunk(c: &mut Criterion) {
    let names = Names::shipped();
    let chunk = chunk(&names, corpus::SEED ^ 4);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Bytes(chunk.jsonl.len() as u64));
    g.bench_function("ingest_file_chunk_256", |b| {
        b.iter_batched_ref(
            || {
                let ledger = fresh_ledger(&dir, &mut n);
                let gazetteer = ledger.gazetteer().expect("gazetteer");
                (ledger, gazetteer)
            },
            |(ledger, gazetteer)| {
                let documents = read_jsonl("bench.jsonl", chunk.jsonl.as_slice());
                let mut skipped = Vec::new();
                ingest_file(
                    ledger,
                    gazetteer,
                    documents,
                    IngestOptions::default(),
                    &mut skipped,
                    |_| {},
                )
                .expect("ingested")
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = read, gazetteer, extraction, ledger_writes, whole_chunk
}
criterion_main!(benches);
