//! treaty-ledger: a cited ledger of states' treaty actions, built from the documents that
//! report them. The pipeline, one module per stage:
//!
//! `document` (read inputs) → `text` (sentences, dates) → `gazetteer` (names of states and
//! instruments) → `extract` (claims) → `ledger` (SQLite: sources, events, citations) →
//! `report` (renderers). `import` reads CSVs of instruments and official records; `reconcile` checks news
//! against those records.

pub mod document;
pub mod error;
pub mod eval;
pub mod extract;
pub mod gazetteer;
pub mod import;
pub mod ledger;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod reconcile;
pub mod reference;
pub mod report;
pub mod text;

pub use error::{Error, Problem, Result};
