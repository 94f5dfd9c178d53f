//! The sticky PR comment of a contract that does not parse: on a pull request the author
//! sees the errors where they look, not only in the annotations and the job summary
//! (README, "The PR comment"). Nothing else of the run exists yet: no contract, no
//! [`Run`](crate::run::Run); this works from the settings, the runner and the event.

use super::github_sync;
use crate::diag::Diagnostic;
use crate::github::event;
use crate::report::emit::Emitter;
use crate::report::markdown::contract as contract_md;
use crate::run::{RunnerEnv, contract_label};
use crate::settings::Settings;

/// Posts (or updates) the pull request's comment with every contract error, under the same
/// marker as the report it replaces once the contract parses. Every problem is a warning:
/// the run ends with the contract error either way.
pub async fn post(
    settings: &Settings,
    runner: &RunnerEnv,
    emitter: &Emitter,
    diags: &[Diagnostic],
) {
    if !settings.pr_comment || !emitter.action_mode() {
        return;
    }
    let Ok(event) = event::load(&runner.event_name, runner.event_path.as_deref()) else {
        return;
    };
    let Some(pr) = event.pull_request else {
        return;
    };
    let gh = match github_sync::client_for(settings, runner) {
        Ok(gh) => gh,
        Err(e) => return emitter.warning(&format!("PR comment not posted: {e}")),
    };
    let marker = github_sync::marker(&contract_label(&settings.contract));
    let mut body = contract_md::summary(diags);
    if let Some(url) = runner.info.run_url() {
        body.push_str(&format!("_See the [run]({url})._\n"));
    }
    // The comment is a channel the runner does not mask: no secret may reach it.
    let body = emitter.scrub(&body);
    match github_sync::upsert_comment(&gh, pr.number, &marker, &body).await {
        Ok(line) => emitter.log(&line),
        Err(why) => emitter.warning(&why),
    }
}
