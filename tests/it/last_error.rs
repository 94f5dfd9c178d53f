//! The error that ends a run is printed by `main.rs`, outside the report: it goes through
//! the run's scrubber too (issue 9, item 3), on stderr and in the `::error::` annotation.
//! A workflow that passes a secret as an input by mistake (here `environment`) gets an
//! error that names the input, with the value redacted.

use crate::support::Run;

const SECRET_FN: &str = "payments-hidden-worker-7f3a";

const CONTRACT: &str = "version: 1\nregion: us-east-1\nenvironments:\n  prod:\n    \
    when: { branch: main }\n    image: input\n    functions: [{ name: worker }]\n    \
    checks:\n      - function: { name-env: SECRET_FN }\n";

#[test]
fn an_error_that_ends_the_run_names_no_secret() {
    let r = Run::action()
        .push_branch("main")
        .contract_text(CONTRACT)
        .env("SECRET_FN", SECRET_FN)
        .input("command", "promote")
        .input(
            "image",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2",
        )
        .input("environment", SECRET_FN)
        .execute();
    r.assert_code(2);
    // The runner's own `::add-mask::` line must carry the value; nothing else may.
    let stdout: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect();
    let stdout = stdout.join("\n");
    for (name, text) in [("stdout", &stdout), ("stderr", &r.stderr)] {
        assert!(!text.contains(SECRET_FN), "the secret on {name}:\n{text}");
        assert!(
            !text.contains("hidden-worker"),
            "part of it on {name}:\n{text}"
        );
    }
    // Still a clear error: the input's name and the redacted value.
    assert!(r.stderr.contains("input `environment`"), "{}", r.stderr);
    assert!(r.stderr.contains("pa…3a"), "{}", r.stderr);
    assert!(stdout.contains("::error::input `environment`"), "{stdout}");
}
