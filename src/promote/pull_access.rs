//! Whether an ECR repository policy lets another account's functions pull an
//! image, decided in pure code before any write (docs/accounts.md, "Cross-account
//! promotion"). Lambda needs two grants on the repository for that:
//! `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` for the function's
//! account, and the same for `lambda.amazonaws.com` from that account's
//! functions.
//! <https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-xaccount-permissions>
//!
//! Only `Allow` statements are read; an explicit `Deny` elsewhere is left to
//! Lambda's own error at update time.

use serde_json::{Value, json};

/// The actions Lambda uses to pull an image.
pub const PULL_ACTIONS: [&str; 2] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// What the repository policy lacks, with the statement that fixes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// `ecr:BatchGetImage for arn:aws:iam::ACCOUNT:root`, …
    pub grants: Vec<String>,
    /// The statements to add, as JSON.
    pub statements: Value,
}

/// `policy`: the repository policy text, `None` when it has none.
pub fn check(policy: Option<&str>, account: &str, region: &str) -> Result<(), Missing> {
    let doc: Value = policy
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or(Value::Null);
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    let root = format!("arn:aws:iam::{account}:root");
    let mut grants = Vec::new();
    for action in PULL_ACTIONS {
        if !statements
            .iter()
            .any(|s| allows(s, action, |p| account_principal(p, account)))
        {
            grants.push(format!("{action} for {root}"));
        }
    }
    for action in PULL_ACTIONS {
        if !statements
            .iter()
            .any(|s| allows(s, action, lambda_principal) && condition_fits(s, account))
        {
            grants.push(format!(
                "{action} for lambda.amazonaws.com (functions of {account})"
            ));
        }
    }
    if grants.is_empty() {
        return Ok(());
    }
    Err(Missing {
        grants,
        statements: fix(account, region),
    })
}

/// The two statements of the AWS documentation, for `account`'s functions.
fn fix(account: &str, region: &str) -> Value {
    json!([
        {
            "Sid": "CrossAccountPermission",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
            "Action": PULL_ACTIONS
        },
        {
            "Sid": "LambdaECRImageCrossAccountRetrievalPolicy",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": PULL_ACTIONS,
            "Condition": {"StringLike": {"aws:sourceARN": format!("arn:aws:lambda:{region}:{account}:function:*")}}
        }
    ])
}

fn allows(s: &Value, action: &str, principal: impl Fn(&Value) -> bool) -> bool {
    s.get("Effect").and_then(Value::as_str) == Some("Allow")
        && strings(s.get("Action")).iter().any(|a| wildcard(a, action))
        && s.get("Principal").is_some_and(principal)
}

/// `*`, `{"AWS": …}` naming the account, its root, or `*`.
fn account_principal(p: &Value, account: &str) -> bool {
    if p.as_str() == Some("*") {
        return true;
    }
    strings(p.get("AWS"))
        .iter()
        .any(|v| v == "*" || v == account || *v == format!("arn:aws:iam::{account}:root"))
}

fn lambda_principal(p: &Value) -> bool {
    p.as_str() == Some("*")
        || strings(p.get("Service"))
            .iter()
            .any(|v| v == "lambda.amazonaws.com")
}

/// A condition on the calling function's ARN must admit `account`'s functions.
fn condition_fits(s: &Value, account: &str) -> bool {
    let Some(cond) = s.get("Condition") else {
        return true;
    };
    let arns: Vec<String> = cond
        .as_object()
        .into_iter()
        .flat_map(|ops| ops.values())
        .filter_map(Value::as_object)
        .flat_map(|keys| keys.iter())
        .filter(|(k, _)| {
            k.eq_ignore_ascii_case("aws:sourcearn") || k.eq_ignore_ascii_case("aws:sourceaccount")
        })
        .flat_map(|(_, v)| strings(Some(v)))
        .collect();
    arns.is_empty()
        || arns
            .iter()
            .any(|a| a == account || a.contains(&format!(":{account}:")) || a == "*")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// IAM's `*` and `?` in an action name, case-insensitive.
fn wildcard(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    fn m(p: &[char], a: &[char]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some('*'), _) => m(&p[1..], a) || (!a.is_empty() && m(p, &a[1..])),
            (Some('?'), Some(_)) => m(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x == y => m(&p[1..], &a[1..]),
            _ => false,
        }
    }
    m(&p, &a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROD: &str = "333333333333";

    fn policy(statements: Value) -> String {
        json!({"Version": "2012-10-17", "Statement": statements}).to_string()
    }

    #[test]
    fn the_documented_statements_are_enough() {
        let p = policy(fix(PROD, "us-east-1"));
        assert_eq!(check(Some(&p), PROD, "us-east-1"), Ok(()));
    }

    #[test]
    fn no_policy_names_every_missing_grant() {
        let m = check(None, PROD, "us-east-1").unwrap_err();
        assert_eq!(m.grants.len(), 4);
        assert!(m.grants[0].contains("ecr:BatchGetImage for arn:aws:iam::333333333333:root"));
    }

    #[test]
    fn wildcards_and_other_accounts() {
        let p = policy(json!([
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]}, "Action": "ecr:*"},
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": ["ecr:BatchGet*", "ecr:GetDownloadUrlForLayer"],
             "Condition": {"StringLike": {"aws:sourceArn": "arn:aws:lambda:*:333333333333:function:*"}}}
        ]));
        let m = check(Some(&p), PROD, "us-east-1").unwrap_err();
        assert_eq!(
            m.grants,
            [
                "ecr:BatchGetImage for arn:aws:iam::333333333333:root",
                "ecr:GetDownloadUrlForLayer for arn:aws:iam::333333333333:root"
            ]
        );
        let p = policy(json!([
            {"Effect": "Allow", "Principal": {"AWS": PROD}, "Action": "ecr:*"},
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "ecr:*",
             "Condition": {"StringLike": {"aws:sourceArn": "arn:aws:lambda:*:222222222222:function:*"}}}
        ]));
        let m = check(Some(&p), PROD, "us-east-1").unwrap_err();
        assert_eq!(m.grants.len(), 2);
        assert!(m.grants.iter().all(|g| g.contains("lambda.amazonaws.com")));
    }
}
