//! A small JSON Schema (2020-12) validator for the keywords the contract's schema uses, so
//! the test needs no schema crate. A keyword it does not know fails the test: the schema
//! cannot grow a rule this validator would silently skip.
//! <https://json-schema.org/draft/2020-12/json-schema-validation>

use serde_json::{Map, Value};

/// Keywords that only annotate (the editor shows them); they never refuse a value.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "title", "description", "$defs"];

/// Every keyword the schema may use: annotations and the ones `check` implements.
pub const KNOWN: &[&str] = &[
    "$ref",
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "minProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "oneOf",
    "anyOf",
];

/// The reasons `value` does not satisfy `schema` (empty when it does); `root` resolves `$ref`.
pub fn errors(root: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(root, schema, value, at, &mut out);
    out
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let s = schema.as_object().expect("a schema is an object");
    for (key, rule) in s {
        if ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        assert!(
            KNOWN.contains(&key.as_str()),
            "schema keyword `{key}` is not implemented"
        );
        if let Some(why) = keyword(root, s, key, rule, value, at, out) {
            out.push(format!("{at}: {why}"));
        }
    }
}

/// One keyword's verdict: `Some(reason)` when it refuses; nested failures go to `out`.
fn keyword(
    root: &Value,
    s: &Map<String, Value>,
    key: &str,
    rule: &Value,
    value: &Value,
    at: &str,
    out: &mut Vec<String>,
) -> Option<String> {
    let refuse = |ok: bool, why: String| (!ok).then_some(why);
    match key {
        "$ref" => {
            let name = rule.as_str()?.strip_prefix("#/$defs/").expect("local $ref");
            check(root, &root["$defs"][name], value, at, out);
            None
        }
        "type" => {
            let types: Vec<&str> = match rule {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                other => vec![other.as_str().expect("type name")],
            };
            refuse(
                types.iter().any(|t| is_type(value, t)),
                format!("not of type {types:?}"),
            )
        }
        "const" => refuse(value == rule, format!("must be {rule}")),
        "enum" => refuse(
            rule.as_array()?.contains(value),
            format!("must be one of {rule}"),
        ),
        "pattern" => {
            let text = value.as_str()?;
            let re = regex::Regex::new(rule.as_str()?).expect("a valid pattern");
            refuse(re.is_match(text), format!("`{text}` does not match {rule}"))
        }
        "minLength" => value.as_str().and_then(|t| {
            refuse(
                t.chars().count() as u64 >= rule.as_u64()?,
                format!("shorter than {rule}"),
            )
        }),
        "maxLength" => value.as_str().and_then(|t| {
            refuse(
                t.chars().count() as u64 <= rule.as_u64()?,
                format!("longer than {rule}"),
            )
        }),
        "minimum" => value
            .as_f64()
            .and_then(|n| refuse(n >= rule.as_f64()?, format!("{n} is below {rule}"))),
        "maximum" => value
            .as_f64()
            .and_then(|n| refuse(n <= rule.as_f64()?, format!("{n} is above {rule}"))),
        "minItems" => value.as_array().and_then(|a| {
            refuse(
                a.len() as u64 >= rule.as_u64()?,
                format!("fewer than {rule} items"),
            )
        }),
        "maxItems" => value.as_array().and_then(|a| {
            refuse(
                a.len() as u64 <= rule.as_u64()?,
                format!("more than {rule} items"),
            )
        }),
        "items" => {
            for (i, item) in value.as_array()?.iter().enumerate() {
                check(root, rule, item, &format!("{at}[{i}]"), out);
            }
            None
        }
        "oneOf" | "anyOf" => {
            let verdicts: Vec<Vec<String>> = rule
                .as_array()?
                .iter()
                .map(|sub| errors(root, sub, value, at))
                .collect();
            let passing = verdicts.iter().filter(|v| v.is_empty()).count();
            let ok = if key == "oneOf" {
                passing == 1
            } else {
                passing >= 1
            };
            // Each alternative's reasons, so a typo inside one is named, not only "no match".
            let why: Vec<String> = verdicts.into_iter().flatten().collect();
            refuse(
                ok,
                format!(
                    "{passing} of the `{key}` alternatives match ({})",
                    why.join("; ")
                ),
            )
        }
        _ => object_keyword(root, s, key, rule, value.as_object()?, at, out),
    }
}

fn object_keyword(
    root: &Value,
    s: &Map<String, Value>,
    key: &str,
    rule: &Value,
    map: &Map<String, Value>,
    at: &str,
    out: &mut Vec<String>,
) -> Option<String> {
    match key {
        "required" => {
            let missing: Vec<&str> = rule
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .filter(|k| !map.contains_key(*k))
                .collect();
            (!missing.is_empty()).then(|| format!("missing {missing:?}"))
        }
        "minProperties" => (map.len() as u64)
            .lt(&rule.as_u64()?)
            .then(|| format!("fewer than {rule} keys")),
        "properties" => {
            for (k, v) in map {
                if let Some(sub) = rule.get(k) {
                    check(root, sub, v, &format!("{at}.{k}"), out);
                }
            }
            None
        }
        "propertyNames" => {
            for k in map.keys() {
                check(
                    root,
                    rule,
                    &Value::String(k.clone()),
                    &format!("{at} key `{k}`"),
                    out,
                );
            }
            None
        }
        "additionalProperties" => {
            let declared = s.get("properties").and_then(Value::as_object);
            for (k, v) in map {
                if declared.is_some_and(|d| d.contains_key(k)) {
                    continue;
                }
                match rule {
                    Value::Bool(false) => out.push(format!("{at}: unknown key `{k}`")),
                    Value::Bool(true) => {}
                    sub => check(root, sub, v, &format!("{at}.{k}"), out),
                }
            }
            None
        }
        _ => None,
    }
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        other => panic!("unknown type `{other}`"),
    }
}
