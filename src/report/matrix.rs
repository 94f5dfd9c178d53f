//! plan's `matrix` output: one entry per (account, region) shard of the
//! environment, in the shape `strategy.matrix: ${{ fromJSON(…) }}` takes
//! (docs/accounts.md, "Fan-out through the matrix").

use serde::Serialize;

use crate::shard::Shard;

/// One shard as the workflow sees it; `shard` is what the `shard` input takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub shard: String,
    pub environment: String,
    pub account: String,
    pub region: String,
}

#[derive(Serialize)]
struct Matrix<'a> {
    include: &'a [Entry],
}

/// One entry per shard; plan names every shard's account.
pub fn entries(shards: &[Shard]) -> Vec<Entry> {
    shards
        .iter()
        .map(|s| Entry {
            shard: s.id(),
            environment: s.environment.clone(),
            account: s.account.clone().unwrap_or_default(),
            region: s.region.clone(),
        })
        .collect()
}

/// `{"include":[…]}` on one line (an output value must not need a heredoc).
pub fn render(entries: &[Entry]) -> String {
    serde_json::to_string(&Matrix { include: entries })
        .unwrap_or_else(|_| "{\"include\":[]}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_of_json_with_include() {
        let e = Entry {
            shard: "prod/333333333333/eu-west-1".into(),
            environment: "prod".into(),
            account: "333333333333".into(),
            region: "eu-west-1".into(),
        };
        let text = render(&[e]);
        assert!(!text.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["include"][0]["shard"], "prod/333333333333/eu-west-1");
        assert_eq!(v["include"][0]["account"], "333333333333");
        assert_eq!(render(&[]), r#"{"include":[]}"#);
    }
}
