//! `init` (CLI only): write a first contract from what runs in the account, to
//! stdout or `--out FILE` (README, "Start from what runs: `init`"). Reads only,
//! asks nothing; an existing FILE is refused before any AWS call unless `--force`.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::aws::pace::Pacer;
use crate::aws::{Clients, Read};
use crate::cancel::Cancel;
use crate::cli::InitArgs;
use crate::error::{Cancelled, UsageError};
use crate::init::{discover, render, workflows};
use crate::report::model::Outcome;
use crate::run::End;

/// Bound on the whole discovery: a large account's listings, paced.
const DEADLINE: Duration = Duration::from_secs(15 * 60);

pub async fn init(args: &InitArgs, cancel: &Cancel) -> anyhow::Result<End> {
    if let Some(out) = &args.out
        && out.exists()
        && !args.force
    {
        return Err(UsageError::input(
            "out",
            format!("{} exists: pass --force to overwrite it", out.display()),
        )
        .into());
    }
    let names = workflows::scan(Path::new(".github/workflows"))?;
    let pacer = Arc::new(Pacer::new(
        &[],
        Some(tokio::time::Instant::now() + DEADLINE),
    ));
    let read = Read::new(Clients::load(None, pacer).await?).cancellable(cancel);
    let found = tokio::select! {
        found = discover::discover(&read, names) => found?,
        sig = cancel.cancelled() => return Ok(End::Cancelled(Cancelled(sig))),
    };
    if !found.functions.iter().any(|f| f.image) {
        anyhow::bail!(
            "no image function in {} (account {}): nothing to promote, so no contract to write",
            found.region,
            found.account
        );
    }
    let text = render::render(&found);
    match &args.out {
        None => print!("{text}"),
        Some(path) => {
            write(path, &text, args.force)?;
            eprintln!(
                "wrote {}: check it with `lambda-promote validate --contract {}`",
                path.display(),
                path.display()
            );
        }
    }
    Ok(End::Done(Outcome::Success))
}

/// `create_new` unless forced: a file that appeared since the check is not overwritten either.
fn write(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}
