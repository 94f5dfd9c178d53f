//! The JSON specs the tests seed moto with (`scripts/dev/seed.py` documents the format):
//! the pieces every test writes the same way, so a test spells out only what is its own.

use serde_json::{Value, json};

/// An ECR repository with one image per tag, each named after its tag.
pub fn repository(name: &str, tags: &[&str]) -> Value {
    let images: Vec<Value> = tags
        .iter()
        .map(|tag| json!({"name": tag, "tags": [tag]}))
        .collect();
    json!({"repository": name, "images": images})
}

/// A published version of repository `worker`'s image `tag`.
pub fn version(tag: &str) -> Value {
    json!({"image": {"repository": "worker", "tag": tag}})
}

/// A function whose versions 1, 2, … are `worker:TAG` for `tags`, behind alias `live` on
/// `live`; `description` is the alias's (`None`: no description).
pub fn function(name: &str, tags: &[&str], live: u32, description: Option<&str>) -> Value {
    let versions: Vec<Value> = tags.iter().map(|tag| version(tag)).collect();
    let mut alias = json!({"name": "live", "version": live});
    if let Some(description) = description {
        alias["description"] = json!(description);
    }
    json!({"name": name, "versions": versions, "aliases": [alias]})
}

/// The common start: version 1 on image v1, alias `live` → 1, described `seeded`.
pub fn function_on_v1(name: &str) -> Value {
    function(name, &["v1"], 1, Some("seeded"))
}

/// Repository `worker` with `tags` and `functions`.
pub fn world(tags: &[&str], functions: Vec<Value>) -> Value {
    json!({"ecr": [repository("worker", tags)], "functions": functions})
}
