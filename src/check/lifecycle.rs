//! Which rule of an ECR lifecycle policy governs an image, and when it would expire it
//! (pure). Rules are applied by `rulePriority`, lowest first, and an image is governed by the
//! first rule whose tag selection it matches: a later rule never sees it —
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation>,
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html>.

use serde_json::Value;

use crate::aws::ImageFacts;

/// The rule that would expire an image, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiring {
    /// `rule 1 ("keep the last 2")`
    pub rule: String,
    /// `once 2 newer images match it`, `30 days after its push`
    pub when: String,
}

/// The rule of `policy` that selects `image`, if its action removes it.
pub fn governing(policy: &str, image: &ImageFacts) -> Option<Expiring> {
    let doc: Value = serde_json::from_str(policy).ok()?;
    let mut rules: Vec<&Value> = doc.get("rules")?.as_array()?.iter().collect();
    rules.sort_by_key(|r| {
        r.get("rulePriority")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX)
    });
    let rule = rules.into_iter().find(|r| selects(r, &image.tags))?;
    let sel = rule.get("selection")?;
    let n = sel.get("countNumber").and_then(Value::as_i64).unwrap_or(0);
    let when = match sel.get("countType").and_then(Value::as_str) {
        Some("sinceImagePushed") => format!("{n} days after its push"),
        _ => format!("once more than {n} images match it and it is not among the newest {n}"),
    };
    let priority = rule
        .get("rulePriority")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let rule = match rule.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("rule {priority} (\"{d}\")"),
        _ => format!("rule {priority}"),
    };
    Some(Expiring { rule, when })
}

/// Whether the rule's tag selection matches an image with `tags`.
fn selects(rule: &Value, tags: &[String]) -> bool {
    let Some(sel) = rule.get("selection") else {
        return false;
    };
    let list = |key: &str| -> Vec<String> {
        sel.get(key)
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    match sel.get("tagStatus").and_then(Value::as_str) {
        Some("any") => true,
        Some("untagged") => tags.is_empty(),
        Some("tagged") => {
            let (prefixes, patterns) = (list("tagPrefixList"), list("tagPatternList"));
            // Every listed prefix (or pattern) must be matched by some tag of the image.
            !tags.is_empty()
                && prefixes
                    .iter()
                    .all(|p| tags.iter().any(|t| t.starts_with(p.as_str())))
                && patterns.iter().all(|p| tags.iter().any(|t| wildcard(p, t)))
        }
        _ => false,
    }
}

/// `*` matches any run of characters; everything else itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(tags: &[&str]) -> ImageFacts {
        ImageFacts {
            digest: "sha256:a".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            pushed_at: None,
        }
    }

    #[test]
    fn the_first_matching_rule_by_priority_governs() {
        let policy = r#"{"rules":[
          {"rulePriority":2,"description":"keep 2","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},
          {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}"#;
        let tagged = governing(policy, &image(&["v1"])).unwrap();
        assert_eq!(tagged.rule, "rule 2 (\"keep 2\")");
        assert!(tagged.when.contains("newest 2"));
        let untagged = governing(policy, &image(&[])).unwrap();
        assert_eq!(untagged.rule, "rule 1");
        assert_eq!(untagged.when, "7 days after its push");
    }

    #[test]
    fn tag_prefixes_and_patterns_select_only_their_images() {
        let policy = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["pr-"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
        assert!(governing(policy, &image(&["v1"])).is_none());
        assert!(governing(policy, &image(&["pr-12"])).is_some());
        assert!(wildcard("v*.*", "v1.2"));
        assert!(!wildcard("v*.*", "v12"));
        assert!(wildcard("*", ""));
    }
}
