//! Contract text → `Contract`, with every error of the file at once.
//!
//! Three passes: YAML into a spanned tree (`yaml.rs`), the tree into the
//! model here (each mismatch a diagnostic, the walk goes on), then the rules
//! that span environments (`across.rs`).

use std::path::PathBuf;

use super::access::{Fields, Sink, env_var, fields, integer, mapping, non_empty_list, string};
use super::checks::checks;
use super::model::{
    Contract, Environment, FunctionTarget, ImageSource, Invalidate, Pos, SmokeTest, Spot, Trigger,
};
use super::names;
use super::strategy::strategy;
use super::trigger::trigger;
use super::yaml::{self, Node, Yaml};
use crate::config::across::{self, Places};
use crate::diag::{Code, Diagnostic};

const TOP_KEYS: &[&str] = &[
    "version",
    "region",
    "account",
    "role",
    "limits",
    "environments",
];
const ENV_KEYS: &[&str] = &[
    "when",
    "image",
    "functions",
    "checks",
    "smoke-test",
    "strategy",
    "post-traffic",
    "keep-versions",
    "invalidate",
    "url",
    "assume",
    "account",
    "region",
    "role",
];

/// Parses and validates a contract; `file_label` names the file in diagnostics.
pub fn parse(file_label: &str, text: &str) -> Result<Contract, Vec<Diagnostic>> {
    let mut sink = Sink::new(file_label);
    let root = match yaml::read(text) {
        Ok(root) => root,
        Err(e) => {
            sink.error(e.at, Code::YamlSyntax, e.message);
            return Err(sink.into_sorted());
        }
    };
    let contract = contract(&mut sink, &root, file_label);
    match contract {
        Some(c) if sink.is_empty() => Ok(c),
        _ => Err(sink.into_sorted()),
    }
}

fn contract(sink: &mut Sink, root: &Yaml, file_label: &str) -> Option<Contract> {
    if root.node == Node::Null {
        sink.error(
            root.at,
            Code::MissingKey,
            "the contract is empty; it needs `version: 1` and `environments`",
        );
        return None;
    }
    let top = fields(sink, root, "contract", TOP_KEYS)?;
    let version_ok = version(sink, &top);
    let region = top
        .get("region")
        .and_then(|y| super::accounts::region(sink, y, "region"))
        .map(|r| r.value);
    let account = top
        .get("account")
        .and_then(|y| super::accounts::account(sink, y));
    let limits = top
        .get("limits")
        .map(|y| super::limits::limits(sink, y))
        .unwrap_or_default();
    let (environments, places) = top
        .require(sink, "environments")
        .map(|y| environments(sink, y))
        .unwrap_or_default();
    across::across_environments(sink, &places);
    let placement = super::accounts::placement(sink, root, account.as_ref());
    version_ok.then_some(Contract {
        path: PathBuf::from(file_label),
        region,
        account,
        environments,
        limits,
        placement,
    })
}

fn version(sink: &mut Sink, top: &Fields) -> bool {
    let Some(y) = top.require(sink, "version") else {
        return false;
    };
    match &y.node {
        Node::Int(1) => true,
        Node::Int(n) => {
            sink.error(
                y.at,
                Code::UnsupportedVersion,
                format!("contract version {n} is not supported; this release reads `version: 1`"),
            );
            false
        }
        Node::Str(s) if s == "1" => {
            sink.wrong_type(y, "version", "the integer 1 (unquoted)");
            false
        }
        _ => {
            sink.wrong_type(y, "version", "the integer 1");
            false
        }
    }
}

fn environments(sink: &mut Sink, y: &Yaml) -> (Vec<Environment>, Vec<Places>) {
    let mut envs = Vec::new();
    let mut places = Vec::new();
    let Some(map) = mapping(sink, y, "environments") else {
        return (envs, places);
    };
    let mut declared = map.entries().peekable();
    if declared.peek().is_none() {
        sink.error(
            y.at,
            Code::EmptyValue,
            "`environments` must define at least one environment",
        );
    }
    for (name, key, value) in declared {
        if !valid_name(name) {
            sink.error(
                key.at,
                Code::BadName,
                format!("environment name `{name}` may only use letters, digits, `_` and `-`"),
            );
        }
        let (env, place) = environment(sink, name, key.at, value);
        places.push(place);
        if let Some(env) = env {
            envs.push(env);
        }
    }
    (envs, places)
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn environment(sink: &mut Sink, name: &str, at: Pos, y: &Yaml) -> (Option<Environment>, Places) {
    let path = format!("environments.{name}");
    let mut place = Places {
        name: name.to_string(),
        from: None,
        branch: None,
        tag: None,
        prerelease: false,
    };
    let Some(f) = fields(sink, y, &path, ENV_KEYS) else {
        return (None, place);
    };
    let when = match f.get("when") {
        Some(w) => trigger(sink, w, &f.child("when"), &mut place),
        None => Some(Trigger::default()),
    };
    let image = f
        .require(sink, "image")
        .and_then(|y| image(sink, y, &f.child("image"), &mut place));
    let functions = f
        .require(sink, "functions")
        .and_then(|y| functions(sink, y, &f.child("functions")));
    let checks = match f.get("checks") {
        Some(c) => checks(sink, c, &f.child("checks")),
        None => Some(Vec::new()),
    };
    // The same shape as `smoke-test`: a JSON payload.
    let post_traffic = optional(f.get("post-traffic"), |y| {
        smoke_test(sink, y, &f.child("post-traffic"))
    });
    let smoke_test = optional(f.get("smoke-test"), |y| {
        smoke_test(sink, y, &f.child("smoke-test"))
    });
    let strategy = match f.get("strategy") {
        Some(s) => strategy(sink, s, &f.child("strategy")),
        None => Some(Default::default()),
    };
    let keep_versions = optional(f.get("keep-versions"), |y| {
        keep_versions(sink, y, &f.child("keep-versions"))
    });
    let invalidate = optional(f.get("invalidate"), |y| {
        invalidate(sink, y, &f.child("invalidate"))
    });
    let url = optional(f.get("url"), |y| url(sink, y, &f.child("url")));
    let assume = match f.get("assume") {
        Some(y) => super::assume::assume(sink, y, &f.child("assume")),
        None => Some(Default::default()),
    };
    let env = (|| {
        Some(Environment {
            name: name.to_string(),
            at,
            when: when?,
            image: image?,
            functions: functions?,
            checks: checks?,
            smoke_test: smoke_test?,
            strategy: strategy?,
            post_traffic: post_traffic?,
            keep_versions: keep_versions?,
            invalidate: invalidate?,
            url: url?,
            assume: assume?,
        })
    })();
    (env, place)
}

/// For an optional key: absent → `Some(None)`, present and valid →
/// `Some(Some(v))`, present and invalid → `None`.
fn optional<T>(y: Option<&Yaml>, read: impl FnOnce(&Yaml) -> Option<T>) -> Option<Option<T>> {
    match y {
        None => Some(None),
        Some(y) => read(y).map(Some),
    }
}

fn image(sink: &mut Sink, y: &Yaml, path: &str, place: &mut Places) -> Option<ImageSource> {
    match &y.node {
        Node::Str(s) if s == "input" => Some(ImageSource::Input),
        Node::Str(s) => {
            sink.error(
                y.at,
                Code::BadValue,
                format!("`{path}` must be `input` or `{{ from: ENVIRONMENT }}`, found `{s}`"),
            );
            None
        }
        Node::Map(_) => {
            let f = fields(sink, y, path, &["from"])?;
            let from_y = f.require(sink, "from")?;
            let from = string(sink, from_y, &f.child("from"))?;
            place.from = Some(Spot {
                value: from.clone(),
                at: from_y.at,
            });
            Some(ImageSource::From(from))
        }
        _ => {
            sink.wrong_type(y, path, "`input` or `{ from: ENVIRONMENT }`");
            None
        }
    }
}

fn functions(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Vec<FunctionTarget>> {
    let items = non_empty_list(sink, y, path)?;
    let mut out: Vec<FunctionTarget> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match function(sink, item, &format!("{path}[{i}]")) {
            Some(target) => {
                if let Some(first) = out
                    .iter()
                    .find(|t| t.name == target.name && t.alias == target.alias)
                {
                    sink.error(
                        target.at,
                        Code::DuplicateFunction,
                        format!(
                            "`{path}` lists `{}` with alias `{}` twice (first at line {})",
                            target.name, target.alias, first.at.line
                        ),
                    );
                    ok = false;
                }
                out.push(target);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn function(sink: &mut Sink, y: &Yaml, path: &str) -> Option<FunctionTarget> {
    let f = fields(sink, y, path, &["name", "alias", "region"])?;
    let name = f.require(sink, "name").and_then(|n| {
        let path = f.child("name");
        names::checked(
            sink,
            n,
            &path,
            names::is_function_name,
            names::FUNCTION_RULE,
        )
    });
    let alias = optional(f.get("alias"), |a| {
        let path = f.child("alias");
        names::checked(sink, a, &path, names::is_alias_name, names::ALIAS_RULE)
    });
    Some(FunctionTarget {
        name: name?,
        alias: alias?.unwrap_or_else(|| "live".to_string()),
        at: y.at,
    })
}

fn smoke_test(sink: &mut Sink, y: &Yaml, path: &str) -> Option<SmokeTest> {
    let f = fields(sink, y, path, &["payload"])?;
    let p = f.require(sink, "payload")?;
    let payload = string(sink, p, &f.child("payload"))?;
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&payload) {
        // The JSON error's place is inside the string; the diagnostic points at
        // the YAML scalar and names the place within it.
        sink.error(
            p.at,
            Code::BadJson,
            format!(
                "`{}` is not valid JSON: {} (line {}, column {} of the payload)",
                f.child("payload"),
                json_reason(&e),
                e.line(),
                e.column()
            ),
        );
        return None;
    }
    Some(SmokeTest { payload })
}

/// serde_json's message without its own " at line L column C" suffix.
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn keep_versions(sink: &mut Sink, y: &Yaml, path: &str) -> Option<u32> {
    let n = integer(sink, y, path)?;
    match u32::try_from(n) {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            sink.error(
                y.at,
                Code::OutOfRange,
                format!("`{path}` must be at least 1 (the version the alias serves), found {n}"),
            );
            None
        }
    }
}

/// `url:`, shown by GitHub as the Deployment's link: `https://` or `http://` only.
fn url(sink: &mut Sink, y: &Yaml, path: &str) -> Option<String> {
    let u = string(sink, y, path)?;
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    if rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
        return Some(u);
    }
    sink.error(
        y.at,
        Code::BadValue,
        format!("`{path}` must be an http(s) URL such as https://app.example.com, found `{u}`"),
    );
    None
}

fn invalidate(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Invalidate> {
    let f = fields(sink, y, path, &["distribution-id-env", "paths"])?;
    let id_env = f
        .require(sink, "distribution-id-env")
        .and_then(|v| env_var(sink, v, &f.child("distribution-id-env")));
    let paths = f.require(sink, "paths").and_then(|v| {
        let items = non_empty_list(sink, v, &f.child("paths"))?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{}.paths[{i}]", path);
            match string(sink, item, &item_path) {
                Some(p) if p.starts_with('/') => out.push(p),
                Some(p) => {
                    sink.error(
                        item.at,
                        Code::BadPath,
                        format!("`{item_path}`: CloudFront paths start with `/`, found `{p}`"),
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    });
    Some(Invalidate {
        distribution_id_env: id_env?,
        paths: paths?,
    })
}

#[cfg(test)]
#[path = "parse_tests/mod.rs"]
mod tests;
