//! No secret and no Lambda value in any output channel.

use super::*;

/// Every channel a user or a later step can read.
fn channels(result: &RunResult) -> [(&'static str, &str); 4] {
    [
        ("stdout", &result.stdout),
        ("stderr", &result.stderr),
        ("summary", &result.summary),
        ("GITHUB_OUTPUT", &result.outputs_raw),
    ]
}

/// The value shows up nowhere except on a `::add-mask::` line of stdout.
fn assert_never_printed(result: &RunResult, value: &str) {
    for (channel, text) in channels(result) {
        for line in text.lines().filter(|l| l.contains(value)) {
            assert!(
                channel == "stdout" && line == format!("::add-mask::{value}"),
                "{value:?} leaked on {channel}: {line}"
            );
        }
    }
}

#[test]
fn secrets_and_lambda_values_are_never_printed() {
    let moto = Moto::start();
    let world = seed(&moto);
    let clean = right_secrets(validate(&moto, CLEAN), &world).execute();
    clean.assert_code(0);
    let drifted = drifted_secrets(validate(&moto, CLEAN)).execute();
    drifted.assert_code(1);
    assert_eq!(
        status_of(&drifted, "cloudfront-id-mismatch"),
        vec!["error"; 2]
    );
    assert_eq!(status_of(&drifted, "function-env-mismatch"), vec!["error"]);

    for value in [&world.cf_dev, DB_HOST, HIDDEN_FUNCTION] {
        assert!(
            clean.stdout.contains(&format!("::add-mask::{value}")),
            "{value} not masked"
        );
        assert_never_printed(&clean, value);
        assert_never_printed(&drifted, value);
    }
    for value in [CF_DRIFTED, DB_HOST_DRIFTED] {
        assert!(drifted.stdout.contains(&format!("::add-mask::{value}")));
        assert_never_printed(&drifted, value);
    }
    // A Lambda environment value is not a job secret: never shown, not even masked.
    for result in [&clean, &drifted] {
        for (channel, text) in channels(result) {
            assert!(!text.contains(LAMBDA_ONLY), "Lambda value on {channel}");
        }
    }
    // The mask comes before anything else is printed.
    let first = drifted.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("::add-mask::"), "{first}");
}
