//! `states list` and `states show X`.

use anyhow::Result;
use serde::Serialize;
use treaty_ledger::model::State;
use treaty_ledger::output::{self, Format, Row};

use super::Ctx;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every state, with its codes
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One state with every name it goes by (X: code, name, alias or demonym)
    Show {
        state: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Serialize)]
#[serde(transparent)]
struct Line(State);

impl Row for Line {
    fn headers() -> &'static [&'static str] {
        &[
            "iso3", "iso2", "numeric", "name", "kind", "cow_code", "gw_code",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let s = &self.0;
        let code = |c: Option<i64>| c.map(|c| c.to_string()).unwrap_or_default();
        vec![
            s.iso3.clone(),
            s.iso2.clone().unwrap_or_default(),
            s.numeric.clone().unwrap_or_default(),
            s.name.clone(),
            s.kind.to_string(),
            code(s.cow_code),
            code(s.gw_code),
        ]
    }
}

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    let mut out = super::stdout();
    match command {
        Command::List { format } => {
            let states: Vec<Line> = ledger.states()?.into_iter().map(Line).collect();
            output::write_rows(&mut out, format, &states)?;
        }
        Command::Show { state, format } => {
            let iso3 = ledger.resolve_state(&state)?.iso3;
            if let Some(state) = ledger.state(&iso3)? {
                output::write_record(&mut out, format, &state)?;
            }
        }
    }
    super::finish(out)
}
