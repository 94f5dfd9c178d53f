//! Whether an IAM policy allows an action on a resource: `Allow` statements only (the
//! generated policies have no `Deny`), `Action` and `Resource` as a string or a list,
//! `*` and `?` wildcards, actions compared ignoring case, ARNs exactly
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! Conditions are not evaluated: the test asks which rights exist, not when.

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
}
