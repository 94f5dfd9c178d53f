//! Tests of `resolve` and `parse_image`.

use super::*;

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn input_error(err: UsageError) -> (String, String) {
    match err {
        UsageError::Input { name, message } => (name, message),
        other => panic!("not an input error: {other:?}"),
    }
}

#[test]
fn defaults() {
    let s = resolve(RawArgs::default(), true, Some(Path::new("/ws"))).unwrap();
    assert_eq!(s.command, Command::Auto);
    assert_eq!(s.contract, PathBuf::from(".github/lambda-promote.yml"));
    assert_eq!(
        s.contract_file,
        PathBuf::from("/ws/.github/lambda-promote.yml")
    );
    assert!(s.environments.is_empty());
    assert_eq!(s.image, None);
    assert_eq!(s.to_version, None);
    assert!(!s.dry_run);
    assert_eq!(s.timeout, Duration::from_secs(900));
    assert!(s.github_token.is_none());
    assert!(s.pr_comment);
    assert!(!s.github_deployment);
    assert_eq!(s.output, OutputFormat::Text);
    assert!(s.action_mode);
}

#[test]
fn every_value_is_typed() {
    let raw = RawArgs {
        command: Some("rollback".into()),
        contract: Some("deploy/c.yml".into()),
        environment: Some(" dev, ,staging ,".into()),
        image: Some(format!(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@{DIGEST}"
        )),
        to_version: Some("12".into()),
        dry_run: Some("TRUE".into()),
        timeout: Some("1h30m".into()),
        github_token: Some("ghs_secretvalue".into()),
        pr_comment: Some("false".into()),
        github_deployment: Some("True".into()),
        output: Some("json".into()),
        shard: Some(" prod/333333333333/eu-west-1 ".into()),
        pull_request_trust: false,
        allow_no_rollback: Some("true".into()),
    };
    let s = resolve(raw, false, None).unwrap();
    assert!(s.allow_no_rollback);
    assert_eq!(s.shard.as_deref(), Some("prod/333333333333/eu-west-1"));
    assert_eq!(s.command, Command::Rollback);
    assert_eq!(s.contract_file, PathBuf::from("deploy/c.yml"));
    assert_eq!(s.environments, ["dev", "staging"]);
    assert_eq!(
        s.image.as_ref().map(|i| i.repository.as_str()),
        Some("team/app")
    );
    assert_eq!(s.to_version.as_deref(), Some("12"));
    assert!(s.dry_run);
    assert_eq!(s.timeout, Duration::from_secs(5400));
    assert_eq!(
        s.github_token.as_ref().map(Secret::expose),
        Some("ghs_secretvalue")
    );
    assert!(!s.pr_comment);
    assert!(s.github_deployment);
    assert_eq!(s.output, OutputFormat::Json);
    assert!(!s.action_mode);
}

#[test]
fn iam_policy_is_cli_only() {
    let raw = || RawArgs {
        command: Some("iam-policy".into()),
        ..RawArgs::default()
    };
    assert_eq!(
        resolve(raw(), false, None).unwrap().command,
        Command::IamPolicy
    );
    let (name, message) = input_error(resolve(raw(), true, None).unwrap_err());
    assert_eq!(name, "command");
    assert!(message.contains("command line"), "{message}");
}

#[test]
fn bad_values_name_their_input() {
    type Set = fn(&mut RawArgs, String);
    let cases: [(Set, &str, &str); 11] = [
        (|r, v| r.command = Some(v), "deploy", "command"),
        (|r, v| r.image = Some(v), "nginx:latest", "image"),
        (|r, v| r.to_version = Some(v), "$LATEST", "to-version"),
        (|r, v| r.to_version = Some(v), "0", "to-version"),
        (|r, v| r.dry_run = Some(v), "yes", "dry-run"),
        (|r, v| r.timeout = Some(v), "soon", "timeout"),
        (|r, v| r.timeout = Some(v), "30", "timeout"),
        (|r, v| r.timeout = Some(v), "0s", "timeout"),
        (|r, v| r.pr_comment = Some(v), "1", "pr-comment"),
        (
            |r, v| r.github_deployment = Some(v),
            "no",
            "github-deployment",
        ),
        (|r, v| r.output = Some(v), "yaml", "output"),
    ];
    for (set, value, want) in cases {
        let mut raw = RawArgs::default();
        set(&mut raw, value.to_owned());
        let (name, _) = input_error(resolve(raw, true, None).unwrap_err());
        assert_eq!(name, want, "{value}");
    }
}

#[test]
fn empty_token_is_no_token() {
    let raw = RawArgs {
        github_token: Some("  ".into()),
        ..RawArgs::default()
    };
    assert!(resolve(raw, true, None).unwrap().github_token.is_none());
}

#[test]
fn image_by_tag_and_by_digest() {
    assert_eq!(
        parse_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v1.2.3"),
        Ok(ImageRef {
            account: "123456789012".into(),
            region: "us-east-1".into(),
            repository: "worker".into(),
            reference: ImageReference::Tag("v1.2.3".into()),
        })
    );
    let by_digest = parse_image(&format!(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/org/team/worker@{DIGEST}"
    ))
    .unwrap();
    assert_eq!(by_digest.repository, "org/team/worker");
    assert_eq!(by_digest.reference, ImageReference::Digest(DIGEST.into()));
    assert_eq!(
        by_digest.repository_uri(),
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/org/team/worker"
    );
    // docker's `REPO:TAG@DIGEST`: the digest wins
    let both = parse_image(&format!(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/w:latest@{DIGEST}"
    ))
    .unwrap();
    assert_eq!(both.repository, "w");
    assert_eq!(both.reference, ImageReference::Digest(DIGEST.into()));
}

#[test]
fn image_errors_say_what_is_wrong() {
    let reg = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let cases = [
        ("ghcr.io/org/app:v1".to_string(), "not an ECR registry"),
        (
            "docker.io/library/nginx@sha256:abc".to_string(),
            "not an ECR registry",
        ),
        (
            "12345.dkr.ecr.us-east-1.amazonaws.com/app:v1".to_string(),
            "not an ECR registry",
        ),
        ("nginx".to_string(), "not an ECR image"),
        (format!("{reg}/app"), "no tag or digest"),
        (format!("{reg}/app@sha256:abc"), "64 lowercase hex"),
        (
            format!(
                "{reg}/app@{}",
                DIGEST.to_uppercase().replace("SHA256", "sha256")
            ),
            "64 lowercase hex",
        ),
        (format!("{reg}/app@md5:0123"), "must start with `sha256:`"),
        (format!("{reg}/app:"), "not a valid image tag"),
        (format!("{reg}/app:-x"), "not a valid image tag"),
        (format!("{reg}/App:v1"), "not an ECR repository name"),
        (format!("{reg}//app:v1"), "not an ECR repository name"),
        (format!("{reg}/:v1"), "not an ECR repository name"),
    ];
    for (image, want) in cases {
        let err = parse_image(&image).unwrap_err();
        assert!(err.contains(want), "{image}: {err}");
    }
}
