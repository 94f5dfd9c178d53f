//! Whether an IAM policy allows an action on a resource: `Action` and `Resource` as a
//! string or a list, `*` and `?` wildcards, actions compared ignoring case, ARNs exactly
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! Conditions of `Allow` statements are not evaluated: the test asks which rights exist,
//! not when. A `Deny` (iam-policy's only one: a reader's session may only read) wins over
//! any `Allow` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>);
//! of its conditions `StringLike` on `aws:userid` is evaluated, any other is taken as met,
//! so an unknown condition refuses rather than lets through.

use serde_json::Value;

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The `Allow` statements of a policy document.
fn allows(policy: &Value) -> impl Iterator<Item = &Value> {
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["Effect"] == "Allow")
}

/// True when some statement allows `action` on `resource` (`None`: a call IAM
/// authorizes on `*`, which only a `*` resource grants).
pub fn allowed(policy: &Value, action: &str, resource: Option<&str>) -> bool {
    let action = action.to_ascii_lowercase();
    allows(policy).any(|s| {
        strings(&s["Action"])
            .iter()
            .any(|a| glob(&a.to_ascii_lowercase(), &action))
            && strings(&s["Resource"])
                .iter()
                .any(|r| resource.map_or(*r == "*", |res| glob(r, res)))
    })
}

/// [`allowed`], and denied by no `Deny` statement for the session `userid`
/// (`ROLE-ID:SESSION-NAME`; `None`: no role session, which no `aws:userid` pattern
/// of iam-policy's names).
pub fn allowed_as(
    policy: &Value,
    action: &str,
    resource: Option<&str>,
    userid: Option<&str>,
) -> bool {
    allowed(policy, action, resource) && !denied(policy, action, resource, userid)
}

fn denied(policy: &Value, action: &str, resource: Option<&str>, userid: Option<&str>) -> bool {
    let action = action.to_ascii_lowercase();
    let matches = |v: &Value| {
        strings(v)
            .iter()
            .any(|a| glob(&a.to_ascii_lowercase(), &action))
    };
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["Effect"] == "Deny")
        .any(|s| {
            let acts = if s.get("NotAction").is_some() {
                !matches(&s["NotAction"])
            } else {
                matches(&s["Action"])
            };
            acts && strings(&s["Resource"])
                .iter()
                .any(|r| *r == "*" || resource.is_some_and(|res| glob(r, res)))
                && conditions_met(&s["Condition"], userid)
        })
}

fn conditions_met(condition: &Value, userid: Option<&str>) -> bool {
    let Some(ops) = condition.as_object() else {
        return true;
    };
    ops.iter().all(|(op, keys)| {
        keys.as_object().into_iter().flatten().all(|(key, want)| {
            if op != "StringLike" || key != "aws:userid" {
                return true;
            }
            userid.is_some_and(|u| strings(want).iter().any(|p| glob(p, u)))
        })
    })
}

/// Every action pattern the policy grants, as written.
pub fn granted_actions(policy: &Value) -> Vec<String> {
    allows(policy)
        .flat_map(|s| strings(&s["Action"]))
        .map(str::to_owned)
        .collect()
}

/// `*` (any run of characters) and `?` (one character), in linear time: the last `*`
/// is the only backtracking point needed.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob(
            "arn:aws:lambda:*:1:function:w:*",
            "arn:aws:lambda:r:1:function:w:7"
        ));
        assert!(!glob(
            "arn:aws:lambda:*:1:function:w:*",
            "arn:aws:lambda:r:1:function:w"
        ));
        assert!(glob("lambda:Get*", "lambda:GetAlias"));
        assert!(glob("a?c", "abc") && !glob("a?c", "ac"));
        let policy = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Action": "lambda:Get*", "Resource": ["arn:f:*"]},
            {"Effect": "Allow", "Action": ["sts:GetCallerIdentity"], "Resource": "*"}]});
        assert!(allowed(&policy, "lambda:getalias", Some("arn:f:x")));
        assert!(!allowed(&policy, "lambda:UpdateAlias", Some("arn:f:x")));
        assert!(allowed(&policy, "sts:GetCallerIdentity", None));
        assert!(!allowed(&policy, "lambda:GetAlias", None));
    }

    #[test]
    fn a_readers_deny_wins_over_the_roles_allow() {
        let policy = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Action": ["lambda:GetAlias", "lambda:UpdateAlias"], "Resource": "arn:f:*"},
            {"Effect": "Deny", "NotAction": ["lambda:GetAlias"], "Resource": "*",
             "Condition": {"StringLike": {"aws:userid": "*:read@*"}}}]});
        let reader = Some("AROA1:read@x");
        assert!(allowed_as(
            &policy,
            "lambda:GetAlias",
            Some("arn:f:a"),
            reader
        ));
        assert!(!allowed_as(
            &policy,
            "lambda:UpdateAlias",
            Some("arn:f:a"),
            reader
        ));
        assert!(allowed_as(
            &policy,
            "lambda:UpdateAlias",
            Some("arn:f:a"),
            Some("AROA1:deploy")
        ));
        assert!(allowed_as(
            &policy,
            "lambda:UpdateAlias",
            Some("arn:f:a"),
            None
        ));
    }
}
