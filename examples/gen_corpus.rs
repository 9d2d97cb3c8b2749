//! Writes a deterministic benchmark corpus: news-like articles as JSON Lines, an
//! instruments CSV and an official-records CSV (generic layout), from the shipped names.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --articles 100000 --out bench-out/
//! ```
//! writes `articles-100000.jsonl`, `instruments-1000000.csv`, `records-1000000.csv`.
//! `--instruments 0` / `--records 0` skip a CSV; `--dense N` also writes `dense-N.jsonl`,
//! N articles of `--dense-claims` treaty actions each (a ledger of many events, built
//! through `ingest`). The same flags always give the same bytes.

#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use corpus::{write_instruments_csv, write_jsonl, write_records_csv, ArticleGenerator, Names, Rng};

const USAGE: &str = "usage: gen_corpus [--articles N] [--instruments N] [--records N] \
[--dense N] [--dense-claims K] [--action-share P] [--seed S] [--out DIR]

  --articles N       news-like articles, about 3 KB each  [10000]
  --instruments N    rows of instruments-N.csv (0: none)  [1000000]
  --records N        rows of records-N.csv (0: none)      [1000000]
  --dense N          articles of dense-N.jsonl, each with --dense-claims treaty actions [0]
  --dense-claims K   treaty actions per dense article      [40]
  --action-share P   share of articles reporting a treaty action [0.05]
  --seed S           seed of the generator (decimal)
  --out DIR          output folder (created)               [bench-out]";

struct Options {
    articles: usize,
    instruments: usize,
    records: usize,
    dense: usize,
    dense_claims: usize,
    action_share: f64,
    seed: u64,
    out: PathBuf,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        articles: 10_000,
        instruments: 1_000_000,
        records: 1_000_000,
        dense: 0,
        dense_claims: 40,
        action_share: 0.05,
        seed: corpus::SEED,
        out: PathBuf::from("bench-out"),
    };
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let count = || -> Result<usize, String> {
            value
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{flag}: '{value}' is not a count"))
        };
        match flag.as_str() {
            "--articles" => o.articles = count()?,
            "--instruments" => o.instruments = count()?,
            "--records" => o.records = count()?,
            "--dense" => o.dense = count()?,
            "--dense-claims" => o.dense_claims = count()?,
            "--action-share" => {
                o.action_share = value
                    .parse()
                    .ok()
                    .filter(|p| (0.0..=1.0).contains(p))
                    .ok_or_else(|| format!("--action-share: '{value}' is not in 0..1"))?
            }
            "--seed" => o.seed = count()? as u64,
            "--out" => o.out = PathBuf::from(value),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(o)
}

fn create(path: &Path) -> std::io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

fn run(o: &Options) -> Result<(), Box<dyn std::error::Error>> {
    fs::create_dir_all(&o.out)?;
    let names = Names::shipped();
    if o.articles > 0 {
        let path = o.out.join(format!("articles-{}.jsonl", o.articles));
        let mut out = create(&path)?;
        let mut generator = ArticleGenerator::new(&names, o.seed);
        generator.action_share = o.action_share;
        let (mut bytes, mut actions) = (0usize, 0usize);
        for _ in 0..o.articles {
            let a = generator.article();
            bytes += a.text.len();
            actions += usize::from(a.action.is_some());
            write_jsonl(&mut out, &a)?;
        }
        out.flush()?;
        eprintln!(
            "{}: {} articles ({} reporting a treaty action), {:.1} MB of text",
            path.display(),
            o.articles,
            actions,
            bytes as f64 / 1e6
        );
    }
    if o.dense > 0 {
        let path = o.out.join(format!("dense-{}.jsonl", o.dense));
        let mut out = create(&path)?;
        // Another seed, so that dense articles never repeat the ordinary ones.
        let mut generator = ArticleGenerator::new(&names, o.seed ^ 0xD15E);
        for _ in 0..o.dense {
            write_jsonl(&mut out, &generator.dense_article(o.dense_claims))?;
        }
        out.flush()?;
        eprintln!(
            "{}: {} articles of {} treaty actions each",
            path.display(),
            o.dense,
            o.dense_claims
        );
    }
    if o.instruments > 0 {
        let path = o.out.join(format!("instruments-{}.csv", o.instruments));
        let mut rng = Rng::new(o.seed ^ 0x1257);
        write_instruments_csv(create(&path)?, &mut rng, o.instruments)?;
        eprintln!("{}: {} instruments", path.display(), o.instruments);
    }
    if o.records > 0 {
        let path = o.out.join(format!("records-{}.csv", o.records));
        let mut rng = Rng::new(o.seed ^ 0x2EC0);
        write_records_csv(create(&path)?, &mut rng, &names, o.records)?;
        eprintln!("{}: {} records", path.display(), o.records);
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("gen_corpus: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
