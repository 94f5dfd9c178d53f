//! Where each environment acts: its AWS account, region and the role to
//! assume (docs/accounts.md, "Many accounts and regions"). The top-level `role` is the
//! default; an environment's `account`, `region` and `role` override the
//! top-level ones; `functions[].region` lets one environment span regions.
//!
//! The main pass (`parse.rs`) accepts these keys; this pass reads their
//! values from the same tree, so the rest of the model stays as it was.

use super::access::{Sink, string};
use super::model::{Contract, EnvPlacement, Environment, Placement, Spot};
use super::yaml::{Node, Yaml};
use crate::diag::Code;

impl Contract {
    fn placed(&self, env: &str) -> Option<&EnvPlacement> {
        self.placement.environments.get(env)
    }

    /// The account `env` must act in: its own, else the top-level one, else
    /// the account of the role it assumes.
    pub fn account_of(&self, env: &str) -> Option<String> {
        let own = self.placed(env).and_then(|p| p.account.as_ref());
        own.or(self.account.as_ref())
            .map(|a| a.value.clone())
            .or_else(|| self.role_of(env).and_then(|r| role_account(&r)))
    }

    /// As `account_of`, with where it is written: the account key, or the
    /// role whose ARN names it (where an account finding points).
    pub fn account_spot(&self, env: &str) -> Option<Spot<String>> {
        let placed = self.placed(env);
        if let Some(a) = placed
            .and_then(|p| p.account.as_ref())
            .or(self.account.as_ref())
        {
            return Some(a.clone());
        }
        let role = placed
            .and_then(|p| p.role.as_ref())
            .or(self.placement.role.as_ref())?;
        Some(Spot {
            value: role_account(&role.value)?,
            at: role.at,
        })
    }

    /// The role `env` assumes: its own, else the top-level one.
    pub fn role_of(&self, env: &str) -> Option<String> {
        let own = self.placed(env).and_then(|p| p.role.as_ref());
        own.or(self.placement.role.as_ref())
            .map(|r| r.value.clone())
    }

    /// The region function number `index` of `env` lives in; `default` is the
    /// region the SDK resolved (`AWS_REGION`).
    pub fn region_of(&self, env: &Environment, index: usize, default: &str) -> String {
        let placed = self.placed(&env.name);
        let function = placed.and_then(|p| p.function_regions.get(&index));
        let own = placed.and_then(|p| p.region.as_ref());
        function
            .or(own)
            .map(|r| r.value.clone())
            .or_else(|| self.region.clone())
            .unwrap_or_else(|| default.to_string())
    }

    /// Every role the contract names (deduplicated, in order).
    pub fn roles(&self) -> Vec<String> {
        let mut roles: Vec<String> = self
            .environments
            .iter()
            .filter_map(|e| self.role_of(&e.name))
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

/// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` → `ACCOUNT`.
pub fn role_account(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (arn_, partition, iam, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let ok = arn_ == "arn"
        && matches!(partition, "aws" | "aws-cn" | "aws-us-gov")
        && iam == "iam"
        && region.is_empty()
        && is_account(account)
        && resource.strip_prefix("role/").is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
        });
    ok.then(|| account.to_string())
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A region name such as `eu-west-1` or `us-gov-west-1`.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads the placement keys from the parsed tree. Structure errors (a list
/// where a map belongs) were reported by the main pass; only the values of
/// these keys are checked here.
pub(super) fn placement(
    sink: &mut Sink,
    root: &Yaml,
    top_account: Option<&Spot<String>>,
) -> Placement {
    let mut out = Placement {
        role: entry(root, "role").and_then(|y| role(sink, y, "role")),
        ..Placement::default()
    };
    let Some(Node::Map(envs)) = entry(root, "environments").map(|y| &y.node) else {
        return out;
    };
    for (key, value) in envs {
        let Node::Str(name) = &key.node else { continue };
        let p = environment(sink, name, value);
        let role = p.role.as_ref().or(out.role.as_ref());
        if let (Some(role), Some(account)) = (role, p.account.as_ref().or(top_account)) {
            role_in_account(sink, name, role, account);
        }
        if p != EnvPlacement::default() {
            out.environments.insert(name.clone(), p);
        }
    }
    out
}

fn environment(sink: &mut Sink, name: &str, y: &Yaml) -> EnvPlacement {
    let path = format!("environments.{name}");
    let mut p = EnvPlacement {
        account: entry(y, "account").and_then(|a| account(sink, a)),
        region: entry(y, "region").and_then(|r| region(sink, r, &format!("{path}.region"))),
        role: entry(y, "role").and_then(|r| role(sink, r, &format!("{path}.role"))),
        ..EnvPlacement::default()
    };
    if let Some(Node::Seq(items)) = entry(y, "functions").map(|f| &f.node) {
        for (i, item) in items.iter().enumerate() {
            let at = format!("{path}.functions[{i}].region");
            if let Some(r) = entry(item, "region").and_then(|r| region(sink, r, &at)) {
                p.function_regions.insert(i, r);
            }
        }
    }
    p
}

/// The role an environment assumes must belong to the account it acts in,
/// or every call would fail the account check after the exchange.
fn role_in_account(sink: &mut Sink, env: &str, role: &Spot<String>, account: &Spot<String>) {
    let role_acct = role_account(&role.value).unwrap_or_default();
    if role_acct != account.value {
        sink.error(
            role.at,
            Code::RoleAccountMismatch,
            format!(
                "environment `{env}` acts in account {} (line {}), but its role `{}` belongs to account {role_acct}; \
                 use a role of account {}",
                account.value, account.at.line, role.value, account.value
            ),
        );
    }
}

/// The value of `key` in a mapping node, if the node is one and has it.
fn entry<'a>(y: &'a Yaml, key: &str) -> Option<&'a Yaml> {
    let Node::Map(pairs) = &y.node else {
        return None;
    };
    pairs
        .iter()
        .find(|(k, _)| matches!(&k.node, Node::Str(s) if s == key))
        .map(|(_, v)| v)
}

fn role(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Spot<String>> {
    let value = string(sink, y, path)?;
    if role_account(&value).is_none() {
        sink.error(
            y.at,
            Code::BadRole,
            format!(
                "`{path}` must be an IAM role ARN such as `arn:aws:iam::123456789012:role/deploy`, found `{value}`"
            ),
        );
        return None;
    }
    Some(Spot { value, at: y.at })
}

pub(super) fn region(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Spot<String>> {
    let value = string(sink, y, path)?;
    if !is_region(&value) {
        sink.error(
            y.at,
            Code::BadRegion,
            format!("`{path}` must be an AWS region such as `eu-west-1`, found `{value}`"),
        );
        return None;
    }
    Some(Spot { value, at: y.at })
}

/// A 12-digit AWS account id. Written unquoted it is a YAML number; it is
/// accepted as long as it still has 12 digits. The reader keeps leading zeros
/// of plain scalars, but other YAML tools drop them, so the message for an
/// unquoted number that is too short says to quote it.
pub(super) fn account(sink: &mut Sink, y: &Yaml) -> Option<Spot<String>> {
    let text = match &y.node {
        Node::Str(s) => s.clone(),
        Node::Int(n) => n.to_string(),
        _ => {
            sink.wrong_type(y, "account", "a 12-digit AWS account id");
            return None;
        }
    };
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Spot {
            value: text,
            at: y.at,
        });
    }
    let hint = if matches!(y.node, Node::Int(_)) {
        "; it was read as a number: if the id starts with 0, write it in quotes (`account: \"012345678901\"`)"
    } else {
        ""
    };
    sink.error(
        y.at,
        Code::BadAccount,
        format!("`account` must be a 12-digit AWS account id, found `{text}`{hint}"),
    );
    None
}

#[cfg(test)]
#[path = "accounts_tests.rs"]
mod tests;
