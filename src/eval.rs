//! Scoring extraction against labelled documents: precision, recall and F1 over events,
//! stage accuracy apart, per-field scores, and the misses and false events of each document.
//!
//! An event matches a gold event when state, instrument, action and the date at the gold
//! date's precision agree; the stage is scored separately among matched events.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::model::{Action, Claim, LedgerDate, Stage};

/// One labelled event of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldEvent {
    pub state: String,
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
}

/// One labelled document: its file name (relative to the documents folder), publication
/// date and every event it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldDoc {
    pub doc: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub events: Vec<GoldEvent>,
}

/// An event as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub state: String,
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    /// The sentence a predicted event came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

impl EventRow {
    fn line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.state, self.instrument, self.action, self.stage, self.date
        )
    }
}

/// A matched event whose stage differs from the gold one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageError {
    pub event: EventRow,
    pub predicted: Stage,
}

/// Precision, recall and F1 of one field (or of whole events).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldScore {
    pub field: String,
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl FieldScore {
    fn new(field: &str, gold: usize, predicted: usize, matched: usize) -> FieldScore {
        let precision = ratio(matched, predicted);
        let recall = ratio(matched, gold);
        FieldScore {
            field: field.to_string(),
            gold,
            predicted,
            matched,
            precision,
            recall,
            f1: harmonic(precision, recall),
        }
    }
}

/// One document's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocReport {
    pub doc: String,
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub misses: Vec<EventRow>,
    pub false_events: Vec<EventRow>,
    pub stage_errors: Vec<StageError>,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub documents: usize,
    pub events: FieldScore,
    /// Matched events whose stage is right.
    pub stage_correct: usize,
    pub stage_accuracy: f64,
    /// State, instrument, action and date, each scored on its own (distinct values per
    /// document).
    pub fields: Vec<FieldScore>,
    pub docs: Vec<DocReport>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        // Nothing to find and nothing found is perfect; nothing found of something is 0
        // (handled by the caller's numerator being 0 with b > 0).
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Reads `gold.jsonl`: one JSON object per line, blank lines skipped. Every bad line is
/// reported as `FILE:LINE: what is wrong`.
pub fn read_gold(path: impl AsRef<Path>) -> Result<Vec<GoldDoc>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<GoldDoc>(line) {
            Ok(doc) => docs.push(doc),
            Err(e) => problems.push(Problem::new(&file, Some(i as u64 + 1), None, e.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(docs)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// The distinct events of a document's claims, first quote kept.
fn predicted_events(claims: &[Claim]) -> Vec<EventRow> {
    let mut out: Vec<EventRow> = Vec::new();
    for c in claims {
        let same = |e: &EventRow| {
            e.state == c.state
                && e.instrument == c.instrument
                && e.action == c.action
                && e.stage == c.stage
                && e.date == c.date
        };
        if !out.iter().any(same) {
            out.push(EventRow {
                state: c.state.clone(),
                instrument: c.instrument.clone(),
                action: c.action,
                stage: c.stage,
                date: c.date,
                quote: Some(c.quote.clone()),
            });
        }
    }
    out
}

fn gold_row(g: &GoldEvent) -> EventRow {
    EventRow {
        state: g.state.clone(),
        instrument: g.instrument.clone(),
        action: g.action,
        stage: g.stage,
        date: g.date,
        quote: None,
    }
}

fn matches(g: &GoldEvent, p: &EventRow) -> bool {
    g.state == p.state
        && g.instrument == p.instrument
        && g.action == p.action
        && p.date.truncate(g.date.precision()) == g.date
}

/// Scores predicted claims (by document name) against the gold documents. Documents with
/// predictions but no gold entry are not scored.
pub fn score(gold: &[GoldDoc], predicted: &HashMap<String, Vec<Claim>>) -> EvalReport {
    let mut docs = Vec::new();
    let (mut n_gold, mut n_pred, mut n_match, mut stage_ok) = (0, 0, 0, 0);
    // field → (gold, predicted, matched)
    let mut field_counts: Vec<(&str, usize, usize, usize)> = vec![
        ("state", 0, 0, 0),
        ("instrument", 0, 0, 0),
        ("action", 0, 0, 0),
        ("date", 0, 0, 0),
    ];
    let empty = Vec::new();
    for g in gold {
        let claims = predicted.get(&g.doc).unwrap_or(&empty);
        let preds = predicted_events(claims);
        let mut used = vec![false; preds.len()];
        let mut misses = Vec::new();
        let mut stage_errors = Vec::new();
        let mut matched = 0;
        for ge in &g.events {
            // Prefer a prediction with the same stage and the exact date.
            let rank = |p: &EventRow| (p.stage != ge.stage, p.date != ge.date);
            let best = preds
                .iter()
                .enumerate()
                .filter(|(i, p)| !used[*i] && matches(ge, p))
                .min_by_key(|(_, p)| rank(p))
                .map(|(i, _)| i);
            match best {
                Some(i) => {
                    used[i] = true;
                    matched += 1;
                    if preds[i].stage == ge.stage {
                        stage_ok += 1;
                    } else {
                        stage_errors.push(StageError {
                            event: gold_row(ge),
                            predicted: preds[i].stage,
                        });
                    }
                }
                None => misses.push(gold_row(ge)),
            }
        }
        let false_events: Vec<EventRow> = preds
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(p, _)| p.clone())
            .collect();
        for (field, fg, fp, fm) in field_counts.iter_mut() {
            let key_g = |e: &GoldEvent| -> String {
                match *field {
                    "state" => e.state.clone(),
                    "instrument" => e.instrument.clone(),
                    "action" => e.action.to_string(),
                    _ => e.date.to_string(),
                }
            };
            let key_p = |e: &EventRow| -> String {
                match *field {
                    "state" => e.state.clone(),
                    "instrument" => e.instrument.clone(),
                    "action" => e.action.to_string(),
                    _ => e.date.to_string(),
                }
            };
            let gs: BTreeSet<String> = g.events.iter().map(key_g).collect();
            let ps: BTreeSet<String> = preds.iter().map(key_p).collect();
            *fg += gs.len();
            *fp += ps.len();
            *fm += gs.intersection(&ps).count();
        }
        n_gold += g.events.len();
        n_pred += preds.len();
        n_match += matched;
        docs.push(DocReport {
            doc: g.doc.clone(),
            gold: g.events.len(),
            predicted: preds.len(),
            matched,
            misses,
            false_events,
            stage_errors,
        });
    }
    EvalReport {
        documents: gold.len(),
        events: FieldScore::new("events", n_gold, n_pred, n_match),
        stage_correct: stage_ok,
        stage_accuracy: ratio(stage_ok, n_match),
        fields: field_counts
            .into_iter()
            .map(|(f, g, p, m)| FieldScore::new(f, g, p, m))
            .collect(),
        docs,
    }
}

impl EvalReport {
    pub fn precision(&self) -> f64 {
        self.events.precision
    }

    pub fn recall(&self) -> f64 {
        self.events.recall
    }

    pub fn f1(&self) -> f64 {
        self.events.f1
    }

    /// A report for a terminal: the scores, then each document with an error.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let e = &self.events;
        let _ = writeln!(
            out,
            "{} documents: {} gold events, {} predicted, {} matched",
            self.documents, e.gold, e.predicted, e.matched
        );
        let _ = writeln!(
            out,
            "events      precision {:.3}  recall {:.3}  F1 {:.3}",
            e.precision, e.recall, e.f1
        );
        let _ = writeln!(
            out,
            "stage       accuracy {:.3} ({} of {} matched events)",
            self.stage_accuracy, self.stage_correct, e.matched
        );
        for f in &self.fields {
            let _ = writeln!(
                out,
                "{:<11} precision {:.3}  recall {:.3}  F1 {:.3}",
                f.field, f.precision, f.recall, f.f1
            );
        }
        for d in &self.docs {
            if d.misses.is_empty() && d.false_events.is_empty() && d.stage_errors.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n{}: {} gold, {} predicted, {} matched",
                d.doc, d.gold, d.predicted, d.matched
            );
            for m in &d.misses {
                let _ = writeln!(out, "  missed  {}", m.line());
            }
            for f in &d.false_events {
                let _ = writeln!(out, "  false   {}", f.line());
                if let Some(q) = &f.quote {
                    let _ = writeln!(out, "          \"{}\"", q.replace('\n', " "));
                }
            }
            for s in &d.stage_errors {
                let _ = writeln!(
                    out,
                    "  stage   {} (predicted {})",
                    s.event.line(),
                    s.predicted
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateBasis, Span};

    fn claim(state: &str, action: Action, stage: Stage, date: &str) -> Claim {
        Claim {
            state: state.into(),
            instrument: "CETS-216".into(),
            action,
            stage,
            date: LedgerDate::parse_iso(date).expect("test date"),
            date_basis: DateBasis::Stated,
            span: Span::new(0, 3),
            quote: "The".into(),
            highlights: vec![],
            extractor: "rules/1".into(),
            confidence: 0.9,
        }
    }

    fn gold_doc(events: &str) -> GoldDoc {
        serde_json::from_str(&format!(
            r#"{{"doc": "a.txt", "published": "2023-10-31", "events": [{events}]}}"#
        ))
        .expect("test gold")
    }

    #[test]
    fn matches_at_the_gold_precision_and_scores_stage_apart() {
        let gold = vec![gold_doc(
            r#"{"state": "AZE", "instrument": "CETS-216", "action": "signature", "stage": "international", "date": "2023-10"},
               {"state": "AZE", "instrument": "CETS-216", "action": "ratification", "stage": "domestic", "date": "2024-02-01"},
               {"state": "AZE", "instrument": "UNKNOWN-1", "action": "signature", "stage": "international", "date": "2024"}"#,
        )];
        let mut predicted = HashMap::new();
        predicted.insert(
            "a.txt".to_string(),
            vec![
                claim("AZE", Action::Signature, Stage::International, "2023-10-30"),
                claim("AZE", Action::Signature, Stage::International, "2023-10-30"),
                claim(
                    "AZE",
                    Action::Ratification,
                    Stage::International,
                    "2024-02-01",
                ),
                claim("AZE", Action::Accession, Stage::International, "2023-10-30"),
            ],
        );
        let r = score(&gold, &predicted);
        assert_eq!(
            (r.events.gold, r.events.predicted, r.events.matched),
            (3, 3, 2)
        );
        assert!((r.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.recall() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.stage_correct, 1);
        assert_eq!(r.docs[0].misses.len(), 1);
        assert_eq!(r.docs[0].misses[0].instrument, "UNKNOWN-1");
        assert_eq!(r.docs[0].false_events[0].action, Action::Accession);
        assert_eq!(r.docs[0].stage_errors.len(), 1);
        let text = r.render_text();
        assert!(text.contains("missed  AZE UNKNOWN-1 signature international 2024"));
        assert!(text.contains("false   AZE CETS-216 accession"));
        assert!(serde_json::to_string(&r).is_ok());
    }

    #[test]
    fn a_coarser_prediction_does_not_match_a_finer_gold_date() {
        let gold = vec![gold_doc(
            r#"{"state": "AZE", "instrument": "CETS-216", "action": "signature", "stage": "international", "date": "2023-10-30"}"#,
        )];
        let mut predicted = HashMap::new();
        predicted.insert(
            "a.txt".to_string(),
            vec![claim(
                "AZE",
                Action::Signature,
                Stage::International,
                "2023-10",
            )],
        );
        assert_eq!(score(&gold, &predicted).events.matched, 0);
    }

    #[test]
    fn empty_gold_and_no_predictions_is_perfect() {
        let gold = vec![gold_doc("")];
        let r = score(&gold, &HashMap::new());
        assert_eq!((r.precision(), r.recall()), (1.0, 1.0));
    }

    #[test]
    fn read_gold_names_the_file_and_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("gold.jsonl");
        std::fs::write(
            &path,
            "{\"doc\": \"a.txt\", \"events\": []}\n\n{\"doc\": \"b.txt\", \"events\": [{\"state\": \"AZE\"}]}\n",
        )
        .expect("write");
        let err = read_gold(&path).expect_err("bad line").to_string();
        assert!(err.contains("gold.jsonl:3"), "{err}");
        std::fs::write(
            &path,
            "{\"doc\": \"a.txt\", \"published\": \"2023-10-31\", \"events\": []}\n",
        )
        .expect("write");
        assert_eq!(read_gold(&path).expect("good gold").len(), 1);
    }
}
