//! The part of JSON Schema (as OpenAPI 3.0 writes it) that GitHub's description of the requests
//! we send uses: `$ref`, `type`, `nullable`, `enum`, `properties`, `required`,
//! `additionalProperties`, `items`, `oneOf`/`anyOf`/`allOf`, `maxLength`, `minimum`/`maximum`.
//!
//! Strict on purpose: a property the schema does not list is a mismatch unless
//! `additionalProperties` allows it. GitHub ignores unknown fields silently, so a misspelt
//! field would otherwise go unnoticed until someone looked at a Deployment.

use serde_json::Value;

/// Every way `value` breaks `schema`, each prefixed with its JSON path (`$.payload`).
pub fn errors(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, "$", &mut out);
    out
}

fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = doc.pointer(r.trim_start_matches('#'));
            resolve(doc, target.unwrap_or_else(|| panic!("unresolved $ref {r}")))
        }
        None => schema,
    }
}

fn check(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(doc, s, value, at, out);
        }
    }
    for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let passing = options
                .iter()
                .filter(|s| errors_at(doc, s, value, at).is_empty())
                .count();
            if passing == 0 || (exactly_one && passing > 1) {
                out.push(format!("{at}: {passing} of the {key} schemas match"));
            }
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        if !types.iter().any(|t| has_type(value, t)) {
            out.push(format!(
                "{at}: expected {}, found {value}",
                types.join(" or ")
            ));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        out.push(format!(
            "{at}: {value} is not one of {}",
            Value::from(allowed.clone())
        ));
    }
    bounds(schema, value, at, out);
    match value {
        Value::Object(map) => object(doc, schema, map, at, out),
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(doc, item, v, &format!("{at}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn errors_at(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, at, &mut out);
    out
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn bounds(schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let (Some(max), Some(s)) = (
        schema.get("maxLength").and_then(Value::as_u64),
        value.as_str(),
    ) && s.chars().count() as u64 > max
    {
        out.push(format!("{at}: longer than {max} characters"));
    }
    let n = value.as_f64();
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), n)
        && n < min
    {
        out.push(format!("{at}: {n} is below {min}"));
    }
    if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), n)
        && n > max
    {
        out.push(format!("{at}: {n} is above {max}"));
    }
}

fn object(
    doc: &Value,
    schema: &Value,
    map: &serde_json::Map<String, Value>,
    at: &str,
    out: &mut Vec<String>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !map.contains_key(name) {
            out.push(format!("{at}: missing required `{name}`"));
        }
    }
    let extra = schema.get("additionalProperties");
    for (name, v) in map {
        let path = format!("{at}.{name}");
        match (properties.and_then(|p| p.get(name)), extra) {
            (Some(s), _) => check(doc, s, v, &path, out),
            (None, Some(Value::Bool(true))) => {}
            (None, Some(s @ Value::Object(_))) => check(doc, s, v, &path, out),
            // Composed schemas list their properties in the branches.
            (None, _) if properties.is_none() && !schema_is_plain_object(schema) => {}
            (None, _) => out.push(format!("{path}: not a property the schema lists")),
        }
    }
}

/// An object schema that lists its own properties (not only `oneOf`/`allOf` branches).
fn schema_is_plain_object(schema: &Value) -> bool {
    schema.get("oneOf").is_none() && schema.get("anyOf").is_none() && schema.get("allOf").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_rules_we_rely_on() {
        let doc = json!({"components": {"schemas": {"s": {"type": "string", "maxLength": 3}}}});
        let schema = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"$ref": "#/components/schemas/s"},
            "b": {"type": "string", "enum": ["x"], "nullable": true},
            "p": {"oneOf": [{"type": "object", "additionalProperties": true}, {"type": "string"}]}}});
        assert!(errors(&doc, &schema, &json!({"a": "ok", "b": null, "p": {"k": 1}})).is_empty());
        let bad = errors(
            &doc,
            &schema,
            &json!({"a": "long", "b": "y", "c": 1, "p": 3}),
        );
        assert_eq!(bad.len(), 4, "{bad:?}");
        assert_eq!(
            errors(&doc, &schema, &json!({})),
            ["$: missing required `a`"]
        );
    }
}
