//! `limits:`: lowers the client-side pacing of a Lambda quota pool for accounts
//! whose quotas other tools spend too (README, "Contract"). A limit can only
//! lower AWS's quota, never raise it: a larger value is an error.

use super::access::{Sink, fields, integer};
use super::model::Limits;
use super::yaml::Yaml;
use crate::diag::Code;

const KEYS: &[&str] = &["lambda-control-plane", "lambda-get-function"];

pub fn limits(sink: &mut Sink, y: &Yaml) -> Limits {
    let Some(f) = fields(sink, y, "limits", KEYS) else {
        return Limits::default();
    };
    let mut rate = |key: &str, quota: i128| {
        f.get(key)
            .and_then(|y| per_second(sink, y, &format!("limits.{key}"), quota))
    };
    Limits {
        lambda_control_plane: rate("lambda-control-plane", 15),
        lambda_get_function: rate("lambda-get-function", 100),
    }
}

/// Whole requests per second from 1 to AWS's `quota`.
fn per_second(sink: &mut Sink, y: &Yaml, path: &str, quota: i128) -> Option<u32> {
    let n = integer(sink, y, path)?;
    if (1..=quota).contains(&n) {
        return u32::try_from(n).ok();
    }
    sink.error(
        y.at,
        Code::BadLimit,
        format!(
            "`{path}` must be a whole number of requests per second from 1 to {quota} \
             (AWS's quota, which a limit can lower but not raise), found {n}"
        ),
    );
    None
}

#[cfg(test)]
mod tests {
    use crate::config::model::Limits;
    use crate::config::parse;

    fn contract(limits: &str) -> String {
        format!(
            "version: 1\n{limits}environments:\n  dev:\n    image: input\n    functions: [{{ name: w }}]\n"
        )
    }

    #[test]
    fn absent_limits_keep_the_quotas() {
        let c = parse("c.yml", &contract("")).unwrap();
        assert_eq!(c.limits, Limits::default());
    }

    #[test]
    fn limits_are_read() {
        let text = contract("limits:\n  lambda-control-plane: 10\n  lambda-get-function: 50\n");
        let c = parse("c.yml", &text).unwrap();
        assert_eq!(c.limits.lambda_control_plane, Some(10));
        assert_eq!(c.limits.lambda_get_function, Some(50));
    }

    #[test]
    fn bad_limits_are_errors_with_their_place() {
        let text = contract(
            "limits:\n  lambda-control-plane: 16\n  lambda-get-function: fast\n  lambda-invoke: 3\n",
        );
        let d = parse("c.yml", &text).unwrap_err();
        let got: Vec<(u32, &str)> = d.iter().map(|d| (d.at.line, d.code.as_str())).collect();
        assert_eq!(
            got,
            [(3, "bad-limit"), (4, "wrong-type"), (5, "unknown-key")]
        );
        assert!(d[0].message.contains("from 1 to 15"), "{}", d[0].message);
        assert_eq!(d[0].at.col, 25);
        let zero = parse("c.yml", &contract("limits:\n  lambda-get-function: 0\n")).unwrap_err();
        assert_eq!(zero[0].code, super::Code::BadLimit);
    }
}
