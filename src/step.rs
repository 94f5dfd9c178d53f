//! The steps of a promotion or rollback, named once: `promote/plan.rs` lists them,
//! `promote/execute/` walks that same list (a `match` per step, so a new step must be
//! given its code there) and records each, and the report shows them by these names
//! (README, "Outputs": the `report` JSON).

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// The alias already serves the image: nothing to do.
    NoOp,
    /// Waiting out an update already in progress before ours.
    WaitIdle,
    UpdateCode,
    /// Waiting for our update to finish.
    Wait,
    /// The function resolves to the intended digest.
    Verify,
    Publish,
    SmokeTest,
    /// Waiting until a published version Lambda still prepares (SnapStart) is `Active`.
    WaitActive,
    /// Provisioned concurrency given to the new version and `READY`, before any traffic.
    ProvisionedConcurrency,
    /// The canary's alarms read before any traffic moves.
    Alarms,
    /// One share of the alias routed to the new version and watched (`plan`), or the
    /// whole canary (`promote`).
    Canary,
    MoveAlias,
    /// The alias invoked once it serves the new version wholly (`post-traffic`).
    PostTraffic,
    /// Deleting old versions, once the whole environment succeeded.
    Prune,
    /// The CloudFront invalidation, once the whole environment succeeded.
    Invalidate,
    /// Pointing an alias back (the `rollback` command, or a restore after a sibling failed).
    Rollback,
    /// Putting back an alias a failed `rollback` had already moved.
    Undo,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::NoOp => "no-op",
            Step::WaitIdle => "wait-idle",
            Step::UpdateCode => "update-code",
            Step::Wait => "wait",
            Step::Verify => "verify",
            Step::Publish => "publish",
            Step::SmokeTest => "smoke-test",
            Step::WaitActive => "wait-active",
            Step::ProvisionedConcurrency => "provisioned-concurrency",
            Step::Alarms => "alarms",
            Step::Canary => "canary",
            Step::MoveAlias => "move-alias",
            Step::PostTraffic => "post-traffic",
            Step::Prune => "prune",
            Step::Invalidate => "invalidate",
            Step::Rollback => "rollback",
            Step::Undo => "undo",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_json_spells_each_step_as_its_name() {
        for s in [
            Step::NoOp,
            Step::WaitIdle,
            Step::UpdateCode,
            Step::Wait,
            Step::Verify,
            Step::Publish,
            Step::SmokeTest,
            Step::WaitActive,
            Step::ProvisionedConcurrency,
            Step::Alarms,
            Step::Canary,
            Step::MoveAlias,
            Step::PostTraffic,
            Step::Prune,
            Step::Invalidate,
            Step::Rollback,
            Step::Undo,
        ] {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().to_string())
            );
        }
    }
}
