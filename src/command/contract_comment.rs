//! The sticky PR comment of a contract that does not parse: on a pull request the author
//! sees the errors where they look, not only in the annotations and the job summary
//! (README, "The PR comment"). Nothing else of the run exists yet: no contract, no
//! [`Run`](crate::run::Run); this works from the settings, the runner and the event.

use std::time::Duration;

use crate::diag::Diagnostic;
use crate::github::api::GitHub;
use crate::github::event;
use crate::report::emit::Emitter;
use crate::report::markdown::contract as contract_md;
use crate::run::{RunnerEnv, contract_label};
use crate::settings::Settings;

/// The most the comment may add to a run that already failed.
const BUDGET: Duration = Duration::from_secs(30);

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
    let Some(token) = &settings.github_token else {
        emitter
            .warning("PR comment not posted: no `github-token`: set it to `${{ github.token }}`");
        return;
    };
    let gh = match GitHub::new(&runner.api_url, token, &runner.info.repository) {
        Ok(gh) => gh,
        Err(e) => return emitter.warning(&format!("PR comment not posted: {e:#}")),
    };
    let marker = super::github_sync::marker(&contract_label(&settings.contract));
    let mut body = contract_md::summary(diags);
    if let Some(url) = runner.info.run_url() {
        body.push_str(&format!("_See the [run]({url})._\n"));
    }
    // The comment is a channel the runner does not mask: no secret may reach it.
    let body = emitter.scrub(&body);
    match tokio::time::timeout(BUDGET, gh.upsert_comment(pr.number, &marker, &body)).await {
        Ok(Ok(action)) => emitter.log(&format!("PR comment: {action:?}")),
        Ok(Err(e)) => emitter.warning(&format!("PR comment not posted: {e}")),
        Err(_) => emitter.warning("PR comment not posted: GitHub did not answer in time"),
    }
}
