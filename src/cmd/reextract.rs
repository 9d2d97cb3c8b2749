//! `reextract`: run the current extractor again over every stored article, replacing what
//! an older extractor found. One transaction: all or nothing.

use anyhow::Result;
use treaty_ledger::pipeline;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, ctx: &Ctx) -> Result<()> {
    let mut ledger = ctx.ledger()?;
    let gazetteer = ledger.gazetteer()?;
    let articles = ledger.articles()?;
    let (ids, documents): (Vec<i64>, Vec<_>) = articles.into_iter().unzip();
    let found = pipeline::extract_all(&gazetteer, documents);
    let mut writer = ledger.writer()?;
    let (mut claims, mut created, mut removed) = (0, 0, 0);
    for (id, (_, extraction)) in ids.iter().zip(&found) {
        let (gone, recorded) =
            writer.replace_claims(*id, &extraction.claims, &extraction.unresolved)?;
        claims += recorded.claims;
        created += recorded.events_created;
        removed += gone;
    }
    writer.commit()?;
    ctx.say(format!(
        "{} source(s) re-extracted: {claims} claim(s), {created} event(s) created, {removed} event(s) left without citation removed",
        ids.len()
    ));
    Ok(())
}
