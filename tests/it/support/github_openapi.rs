//! GitHub's REST API description, as the GitHub stand-in uses it: which operation a request is,
//! whether its path parameters, query and body match the description, and the description's own
//! response examples. The description is `tests/fixtures/github/openapi.json`, the operations the
//! binary calls extracted from `@octokit/openapi` by `scripts/dev/github-fixtures.sh`.

use std::sync::OnceLock;

use serde_json::Value;
use wiremock::Request;

use super::github_schema;

const DESCRIPTION: &str = include_str!("../../fixtures/github/openapi.json");

pub fn description() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(DESCRIPTION).expect("openapi.json parses"))
}

/// `$ref`s followed until a node that is not one.
fn resolve(node: &Value) -> &Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            description()
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("unresolved $ref {r}")),
        ),
        None => node,
    }
}

/// An operation of the description: its path template, its node, and the request's path
/// parameters by name.
type Operation = (&'static str, &'static Value, Vec<(String, String)>);

/// The path template and operation for `verb` on `path`, with the path's parameters.
fn operation(verb: &str, path: &str) -> Option<Operation> {
    let verb = verb.to_ascii_lowercase();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let paths = description()["paths"].as_object()?;
    for (template, item) in paths {
        let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let fits = parts.iter().zip(&segments).all(|(t, s)| {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    params.push((name.to_owned(), (*s).to_owned()));
                    !s.is_empty()
                }
                None => t == s,
            }
        });
        if fits && let Some(op) = item.get(&verb) {
            return Some((template.as_str(), op, params));
        }
    }
    None
}

/// A parameter's value as its schema types it (path and query values are text).
fn typed(schema: &Value, raw: &str) -> Value {
    match resolve(schema).get("type").and_then(Value::as_str) {
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(raw)),
        Some("boolean") if raw == "true" || raw == "false" => Value::Bool(raw == "true"),
        _ => Value::from(raw),
    }
}

/// The path template of `VERB path`, when the description has that operation.
pub fn template(verb: &str, path: &str) -> Option<&'static str> {
    operation(verb, path).map(|(template, _, _)| template)
}

/// Why `request` is not an operation of GitHub's description, or its path template.
pub fn check(request: &Request) -> Result<&'static str, String> {
    let (verb, path) = (request.method.as_str(), request.url.path());
    // GitHub Enterprise Server serves the same API under /api/v3.
    let path = path.strip_prefix("/api/v3").unwrap_or(path);
    let shown = format!("{verb} {path}");
    // GraphQL is not part of the REST description: GitHub's one GraphQL endpoint takes a POST
    // whose JSON body holds the query text
    // (<https://docs.github.com/en/graphql/guides/forming-calls-with-graphql>). The comment
    // owner's identity asks it for `viewer` when `GET /user` refuses an installation token.
    if path == "/graphql" || path == "/api/graphql" {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        return match (verb, body["query"].as_str()) {
            ("POST", Some(q)) if !q.trim().is_empty() => Ok("/graphql"),
            _ => Err(format!(
                "{shown}: a GraphQL call is a POST with a `query` string"
            )),
        };
    }
    let (template, op, path_params) = operation(verb, path)
        .ok_or_else(|| format!("{shown}: no such operation in GitHub's REST API description"))?;
    let params: Vec<&Value> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(resolve)
        .collect();
    let param = |name: &str, place: &str| {
        params
            .iter()
            .find(|p| p["name"] == name && p["in"] == place)
            .copied()
    };
    let mut problems = Vec::new();
    let query = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()));
    for (place, (name, raw)) in path_params
        .into_iter()
        .map(|p| ("path", p))
        .chain(query.map(|q| ("query", q)))
    {
        match param(&name, place) {
            None => problems.push(format!(
                "{place} parameter `{name}` is not in the description"
            )),
            Some(p) => {
                for e in
                    github_schema::errors(description(), &p["schema"], &typed(&p["schema"], &raw))
                {
                    problems.push(format!("{place} parameter `{name}`: {e}"));
                }
            }
        }
    }
    problems.extend(body_problems(op, &request.body));
    if problems.is_empty() {
        Ok(template)
    } else {
        Err(format!("{shown} ({template}): {}", problems.join("; ")))
    }
}

fn body_problems(op: &Value, body: &[u8]) -> Vec<String> {
    let Some(request_body) = op.get("requestBody").map(resolve) else {
        return if body.is_empty() {
            Vec::new()
        } else {
            vec!["a body where the operation takes none".to_owned()]
        };
    };
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return vec!["the body is not JSON".to_owned()];
    };
    let schema = &request_body["content"]["application/json"]["schema"];
    github_schema::errors(description(), schema, &json)
        .into_iter()
        .map(|e| format!("body {e}"))
        .collect()
}

/// The description's first example of the `status` answer of `VERB template`.
pub fn example(verb: &str, template: &str, status: u16) -> Value {
    let op = &description()["paths"][template][verb.to_ascii_lowercase()];
    let answer = resolve(&op["responses"][status.to_string()]);
    let examples = answer["content"]["application/json"]["examples"]
        .as_object()
        .unwrap_or_else(|| panic!("{verb} {template} {status} has no example"));
    let first = examples.values().next().expect("an example");
    resolve(first)["value"].clone()
}
