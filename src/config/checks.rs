//! The `checks:` list of an environment: each item a single-key mapping
//! naming the kind of check.

use std::collections::BTreeMap;

use super::access::{Sink, env_var, fields, list, mapping, non_empty_list, string};
use super::model::{Check, DistributionSelector, Spot};
use super::yaml::{Node, Yaml};
use crate::diag::Code;

const KINDS: &[&str] = &["cloudfront", "function-env", "log-group", "function"];

pub fn checks(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Vec<Spot<Check>>> {
    let items = list(sink, y, path)?;
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match check(sink, item, &format!("{path}[{i}]")) {
            Some(c) => out.push(Spot {
                value: c,
                at: item.at,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn check(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Check> {
    let single = match &y.node {
        Node::Map(entries) if entries.len() == 1 => Some(&entries[0]),
        _ => None,
    };
    let Some((key, value)) = single else {
        sink.error(
            y.at,
            Code::BadCheck,
            format!(
                "`{path}`: a check is a mapping with exactly one key, one of: {}",
                KINDS.join(", ")
            ),
        );
        return None;
    };
    let kind = match &key.node {
        Node::Str(k) => k.as_str(),
        _ => {
            sink.wrong_type(key, path, "a check name");
            return None;
        }
    };
    let path = format!("{path}.{kind}");
    match kind {
        "cloudfront" => cloudfront(sink, value, &path),
        "function-env" => function_env(sink, value, &path),
        "log-group" => string(sink, value, &path).map(|name| Check::LogGroup { name }),
        "function" => {
            let f = fields(sink, value, &path, &["name-env"])?;
            let v = f.require(sink, "name-env")?;
            env_var(sink, v, &f.child("name-env")).map(|name_env| Check::Function { name_env })
        }
        other => {
            sink.error(
                key.at,
                Code::UnknownKey,
                format!(
                    "unknown check `{other}`; expected one of: {}",
                    KINDS.join(", ")
                ),
            );
            None
        }
    }
}

fn cloudfront(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Check> {
    let f = fields(sink, y, path, &["comment", "alias", "id-env"])?;
    let comment = f
        .get("comment")
        .map(|c| string(sink, c, &f.child("comment")));
    let alias = f.get("alias").map(|a| string(sink, a, &f.child("alias")));
    let id_env = match f.get("id-env") {
        Some(v) => Some(env_var(sink, v, &f.child("id-env"))?),
        None => None,
    };
    let by = match (comment, alias) {
        (Some(c), None) => DistributionSelector::Comment(c?),
        (None, Some(a)) => DistributionSelector::Alias(a?),
        (Some(_), Some(_)) => {
            let at = f.key_at("alias").unwrap_or(f.at);
            sink.error(
                at,
                Code::ConflictingKeys,
                format!("`{path}` takes `comment` or `alias`, not both"),
            );
            return None;
        }
        (None, None) => {
            sink.error(
                f.at,
                Code::MissingKey,
                format!("`{path}` needs `comment` (the distribution's comment) or `alias` (one of its CNAMEs)"),
            );
            return None;
        }
    };
    Some(Check::Cloudfront { by, id_env })
}

fn function_env(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Check> {
    let f = fields(sink, y, path, &["function", "keys", "equals-env"])?;
    let function = f
        .require(sink, "function")
        .and_then(|v| string(sink, v, &f.child("function")));
    let keys = f.require(sink, "keys").and_then(|v| {
        let items = non_empty_list(sink, v, &f.child("keys"))?;
        let read: Vec<Option<String>> = items
            .iter()
            .enumerate()
            .map(|(i, k)| string(sink, k, &format!("{}.keys[{i}]", path)))
            .collect();
        read.into_iter().collect::<Option<Vec<String>>>()
    });
    let equals_env = match f.get("equals-env") {
        None => Some(BTreeMap::new()),
        Some(v) => equals_env(sink, v, &f.child("equals-env")),
    };
    let (function, mut keys, equals_env) = (function?, keys?, equals_env?);
    // A key whose value is compared must exist, so it is checked as a key too.
    for key in equals_env.keys() {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    Some(Check::FunctionEnv {
        function,
        keys,
        equals_env,
    })
}

fn equals_env(sink: &mut Sink, y: &Yaml, path: &str) -> Option<BTreeMap<String, String>> {
    let m = mapping(sink, y, path)?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (key, _, value) in m.entries() {
        match env_var(sink, value, &format!("{path}.{key}")) {
            Some(var) => {
                out.insert(key.to_string(), var);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}
