//! Setup that `scripts/dev/seed.py` does not cover, made with boto3 from the project's venv
//! straight against moto (never through the proxy): triggers (an SQS event source mapping, a
//! function URL, invoke permissions), ECR deletes and lifecycle policies.

use super::{Moto, repo_root};
use std::process::Command;

/// Runs `body` with `lam`, `ecr`, `sqs` and `iam` boto3 clients on `moto`; panics with the
/// script's error when it fails. Prints from the script come back.
pub fn boto(moto: &Moto, body: &str) -> String {
    let script = format!(
        "import boto3, json\n\
         kw = dict(endpoint_url={endpoint:?}, region_name={region:?}, \
         aws_access_key_id='testing', aws_secret_access_key='testing')\n\
         lam, ecr, sqs = (boto3.client(s, **kw) for s in ('lambda', 'ecr', 'sqs'))\n\
         {body}\n",
        endpoint = moto.endpoint(),
        region = moto.region(),
    );
    let out = Command::new(repo_root().join(".venv/bin/python"))
        .args(["-c", &script])
        .output()
        .expect("run boto3");
    assert!(
        out.status.success(),
        "boto3 setup failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An SQS queue `name` whose messages invoke `target` (`FUNCTION` or `FUNCTION:QUALIFIER`);
/// the mapping's UUID. moto lists a mapping made on an alias as one on the alias's version
/// (`Realism::mapping_on_alias` puts the alias back).
pub fn sqs_mapping(moto: &Moto, name: &str, target: &str) -> String {
    let printed = boto(
        moto,
        &format!(
            "q = sqs.create_queue(QueueName={name:?})['QueueUrl']\n\
             arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['QueueArn'])['Attributes']['QueueArn']\n\
             print(lam.create_event_source_mapping(FunctionName={target:?}, EventSourceArn=arn)['UUID'])"
        ),
    );
    printed.trim().to_owned()
}

/// A service's permission to invoke `function` (with `qualifier`, or the function itself).
pub fn permission(moto: &Moto, function: &str, qualifier: Option<&str>, sid: &str, service: &str) {
    let qualifier = qualifier.map_or(String::new(), |q| format!(", Qualifier={q:?}"));
    boto(
        moto,
        &format!(
            "lam.add_permission(FunctionName={function:?}{qualifier}, StatementId={sid:?}, \
             Action='lambda:InvokeFunction', Principal={service:?})"
        ),
    );
}
