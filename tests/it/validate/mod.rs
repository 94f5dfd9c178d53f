//! `validate` end to end (issue 2): the real binary, run as the GitHub runner runs a container
//! action, against a moto seeded per test. Every finding code, exit codes 0/1/2, annotations
//! with lines and columns, no AWS request after a contract or input error, the toolkit's input
//! quirks, the fork skip, the environment selection, and no secret in any output channel.

use crate::support::{Moto, Recorder, Run, RunResult};
use serde_json::{Value, json};

mod findings;
mod refusals;
mod secrets;
mod selection;

/// Values no contract below writes in plain, so any appearance in an output is a leak.
const DB_HOST: &str = "db-7f3kq2.cluster-ro.internal.example";
const DB_HOST_DRIFTED: &str = "db-drifted-9x8w7v.cluster.internal";
const LAMBDA_ONLY: &str = "sk-lambda-only-value-4c2b9e1d";
const HIDDEN_FUNCTION: &str = "jobs-runner-x7q9z";
const CF_DRIFTED: &str = "EDRIFTED0SECRET9";

/// The live AWS state every test starts from.
fn seed(moto: &Moto) -> World {
    let image = json!({"repository": "worker", "tag": "v1"});
    let seeded = moto.seed(json!({
        "ecr": [{"repository": "worker", "images": [{"name": "v1", "tags": ["v1"]}]}],
        "functions": [
            {"name": "api-dev", "image": image,
             "environment": {"DB_HOST": DB_HOST, "API_KEY": LAMBDA_ONLY},
             "versions": [{}], "aliases": [{"name": "live", "version": 1}]},
            {"name": "api-new", "image": image, "versions": [{}]},
            {"name": "legacy-zip", "package_type": "Zip"},
            {"name": HIDDEN_FUNCTION, "image": image}
        ],
        "log_groups": [{"name": "/aws/lambda/api-dev"}],
        "cloudfront": [
            {"name": "dev", "comment": "app-dev", "aliases": ["dev.example.com"]},
            {"name": "dup1", "comment": "app-dup"},
            {"name": "dup2", "comment": "app-dup"},
            {"name": "off", "comment": "app-off", "enabled": false}
        ]
    }));
    let id = |name: &str| {
        seeded["distributions"][name]["id"]
            .as_str()
            .expect("distribution id")
            .to_owned()
    };
    World {
        cf_dev: id("dev"),
        all_ids: ["dev", "dup1", "dup2", "off"].map(id).to_vec(),
    }
}

struct World {
    cf_dev: String,
    all_ids: Vec<String>,
}

/// Three environments, every check kind, all right with `right_secrets`.
const CLEAN: &str = r#"version: 1
region: us-east-1
account: "123456789012"
environments:
  dev:
    when: { branch: dev }
    image: input
    functions:
      - name: api-dev
    checks:
      - cloudfront:
          comment: app-dev
          id-env: CF_DISTRIBUTION_ID
      - function-env:
          function: api-dev
          keys: [DB_HOST, API_KEY]
          equals-env: { DB_HOST: DB_HOST }
      - log-group: /aws/lambda/api-dev
      - function:
          name-env: JOBS_FUNCTION
  staging:
    when: { branch: main }
    image: { from: dev }
    functions: [{ name: api-dev }]
    checks:
      - log-group: /aws/lambda/api-dev
  production:
    when: { tag: "v*.*.*" }
    image: { from: staging }
    functions: [{ name: api-dev, alias: live }]
    checks:
      - cloudfront:
          alias: dev.example.com
          id-env: CF_DISTRIBUTION_ID
"#;

fn right_secrets(run: Run, world: &World) -> Run {
    run.env("CF_DISTRIBUTION_ID", &world.cf_dev)
        .env("DB_HOST", DB_HOST)
        .env("JOBS_FUNCTION", HIDDEN_FUNCTION)
}

fn drifted_secrets(run: Run) -> Run {
    run.env("CF_DISTRIBUTION_ID", CF_DRIFTED)
        .env("DB_HOST", DB_HOST_DRIFTED)
        .env("JOBS_FUNCTION", HIDDEN_FUNCTION)
}

/// `validate` as the runner runs it for a pull request, without the PR comment.
fn validate(moto: &Moto, contract: &str) -> Run {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(contract)
        .input("command", "validate")
        .input("pr-comment", "false")
}

/// `(environment, code, status)` of every finding in the `report` output.
fn findings(result: &RunResult) -> Vec<(String, String, String)> {
    let report = result.report();
    let list = report["findings"].as_array().expect("findings array");
    list.iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("environment"), s("code"), s("status"))
        })
        .collect()
}

fn status_of(result: &RunResult, code: &str) -> Vec<String> {
    findings(result)
        .into_iter()
        .filter(|(_, c, _)| c == code)
        .map(|(_, _, s)| s)
        .collect()
}
