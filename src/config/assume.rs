//! `assume:`: what an environment's contract vouches for about its functions, so that a
//! promotion of a fleet spends Lambda's shared control-plane pool on writes only (README,
//! "Fleets: what a promotion may take on trust"). Each key takes one value, `none`.

use super::access::{Sink, fields, string};
use super::model::Assume;
use super::yaml::Yaml;
use crate::diag::Code;

const KEYS: &[&str] = &["function-url", "provisioned-concurrency"];

/// Reads `environments.E.assume`; `None` after an error (each reported with its place).
pub fn assume(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Assume> {
    let f = fields(sink, y, path, KEYS)?;
    let mut ok = true;
    let mut none = |key: &str| match f.get(key) {
        None => false,
        Some(y) => {
            let at = f.child(key);
            match string(sink, y, &at) {
                Some(v) if v == "none" => true,
                Some(v) => {
                    sink.error(
                        y.at,
                        Code::BadValue,
                        format!(
                            "`{at}` can only be `none` (the contract vouches that there is none), \
                             found `{v}`; leave the key out to have every run read it"
                        ),
                    );
                    ok = false;
                    false
                }
                None => {
                    ok = false;
                    false
                }
            }
        }
    };
    let assume = Assume {
        no_function_url: none("function-url"),
        no_provisioned_concurrency: none("provisioned-concurrency"),
    };
    ok.then_some(assume)
}

#[cfg(test)]
mod tests {
    use crate::config::model::Assume;
    use crate::config::parse;

    fn contract(assume: &str) -> String {
        format!(
            "version: 1\nenvironments:\n  dev:\n    image: input\n    functions: [{{ name: w }}]\n{assume}"
        )
    }

    #[test]
    fn absent_assume_reads_everything() {
        let c = parse("c.yml", &contract("")).unwrap();
        assert_eq!(c.environments[0].assume, Assume::default());
    }

    #[test]
    fn both_keys_are_read() {
        let text = contract(
            "    assume:\n      function-url: none\n      provisioned-concurrency: none\n",
        );
        let c = parse("c.yml", &text).unwrap();
        assert_eq!(
            c.environments[0].assume,
            Assume {
                no_function_url: true,
                no_provisioned_concurrency: true
            }
        );
        let one = parse("c.yml", &contract("    assume: { function-url: none }\n")).unwrap();
        assert!(one.environments[0].assume.no_function_url);
        assert!(!one.environments[0].assume.no_provisioned_concurrency);
    }

    #[test]
    fn other_values_and_keys_are_errors_with_their_place() {
        let text = contract(
            "    assume:\n      function-url: auth-iam\n      provisioned-concurrency: 0\n      layers: none\n",
        );
        let d = parse("c.yml", &text).unwrap_err();
        let got: Vec<(u32, u32, &str)> = d
            .iter()
            .map(|d| (d.at.line, d.at.col, d.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (7, 21, "bad-value"),
                (8, 32, "wrong-type"),
                (9, 7, "unknown-key")
            ]
        );
        assert!(
            d[0].message
                .contains("environments.dev.assume.function-url"),
            "{}",
            d[0].message
        );
        assert!(
            d[0].message.contains("can only be `none`"),
            "{}",
            d[0].message
        );
    }
}
