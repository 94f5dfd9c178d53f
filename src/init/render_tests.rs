//! The renderer's output parses as a contract, with the environments it grouped.

use super::*;

fn function(name: &str, aliases: &[&str], log: bool) -> FoundFunction {
    FoundFunction {
        name: name.into(),
        image: true,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        log_group: format!("/aws/lambda/{name}"),
        log_group_exists: log,
    }
}

fn found() -> Found {
    Found {
        region: "us-east-1".into(),
        account: "123456789012".into(),
        functions: vec![
            function("api-dev", &["live"], true),
            function("api-prod", &["blue", "green"], false),
            function("api-staging", &[], true),
            function("cron", &[], true),
            FoundFunction {
                image: false,
                ..function("legacy-dev", &[], false)
            },
        ],
        distributions: vec![Distribution {
            id: "E1ABC".into(),
            comment: "app \"prod\"".into(),
            aliases: vec!["www.example.com".into()],
            enabled: true,
        }],
        workflow_names: vec!["secrets.CF_ID".into(), "vars.STAGE".into()],
    }
}

#[test]
fn rendered_contract_parses_with_the_grouped_environments() {
    let text = render(&found());
    let contract =
        crate::config::parse("init.yml", &text).unwrap_or_else(|d| panic!("{d:?}\n{text}"));
    let envs: Vec<&str> = contract
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(envs, ["dev", "staging", "production"], "{text}");
    assert!(
        text.contains("      - name: \"api-dev\"\n        alias: live\n"),
        "{text}"
    );
    assert!(
        text.contains("alias: \"blue\"\n        # other aliases: green"),
        "{text}"
    );
    assert!(
        text.contains("- cloudfront: { comment: \"app \\\"prod\\\"\" }"),
        "{text}"
    );
    assert!(
        text.contains("# - log-group: \"/aws/lambda/api-prod\""),
        "{text}"
    );
    assert!(text.contains("#      - name: \"cron\""), "{text}");
    assert!(text.contains("#   legacy-dev"), "{text}");
    assert!(
        text.contains("#   secrets.CF_ID\n#   vars.STAGE\n"),
        "{text}"
    );
    assert!(text.contains("image: { from: staging }"), "{text}");
}

#[test]
fn no_pattern_gives_one_environment() {
    let mut f = found();
    f.functions = vec![function("cron", &[], false)];
    let text = render(&f);
    let contract =
        crate::config::parse("init.yml", &text).unwrap_or_else(|d| panic!("{d:?}\n{text}"));
    assert_eq!(contract.environments.len(), 1);
    assert_eq!(contract.environments[0].name, "main");
}
