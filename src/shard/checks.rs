//! Which of an environment's checks a shard runs. A check about one of the
//! environment's functions (`function-env` of it, `log-group` of its
//! `/aws/lambda/NAME`) runs where that function lives, with the clients of
//! that (account, region); every other check (`cloudfront`, which is global,
//! `function`, a log group of no listed function) runs once, in the shard of
//! the environment's first function. The account check runs in every shard,
//! since every shard has credentials of its own (docs/accounts.md, "Many accounts and
//! regions"). Pure.

use crate::config::model::{Check, Environment, FunctionTarget, Spot};

/// The checks of `env` that the shard holding `functions` runs, in contract order.
pub fn checks_of(env: &Environment, functions: &[FunctionTarget]) -> Vec<Spot<Check>> {
    let home = env
        .functions
        .first()
        .is_some_and(|f| holds(functions, &f.name));
    env.checks
        .iter()
        .filter(|c| match owner(env, &c.value) {
            Some(function) => holds(functions, function),
            None => home,
        })
        .cloned()
        .collect()
}

/// The function of `env` a check is about, if it is about one.
fn owner<'c>(env: &Environment, check: &'c Check) -> Option<&'c str> {
    let listed = |name: &str| env.functions.iter().any(|f| f.name == name);
    match check {
        Check::FunctionEnv { function, .. } => Some(function.as_str()).filter(|f| listed(f)),
        Check::LogGroup { name } => name.strip_prefix("/aws/lambda/").filter(|f| listed(f)),
        Check::Cloudfront { .. } | Check::Function { .. } => None,
    }
}

fn holds(functions: &[FunctionTarget], function: &str) -> bool {
    functions.iter().any(|f| f.name == function)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    const TEXT: &str = "\
version: 1
environments:
  prod:
    account: \"333333333333\"
    region: eu-west-1
    image: input
    functions:
      - name: a
      - name: b
        region: us-east-1
    checks:
      - log-group: /aws/lambda/b
      - log-group: /shared/audit
      - function-env: { function: b, keys: [K] }
      - function-env: { function: a, keys: [K] }
      - cloudfront: { comment: app }
";

    fn kinds(checks: &[Spot<Check>]) -> Vec<String> {
        checks
            .iter()
            .map(|c| match &c.value {
                Check::LogGroup { name } => format!("log {name}"),
                Check::FunctionEnv { function, .. } => format!("env {function}"),
                Check::Cloudfront { .. } => "cloudfront".into(),
                Check::Function { .. } => "function".into(),
            })
            .collect()
    }

    #[test]
    fn a_functions_checks_run_where_it_lives_the_rest_at_home() {
        let c = parse("c.yml", TEXT).unwrap();
        let env = &c.environments[0];
        let (a, b) = (&env.functions[..1], &env.functions[1..]);
        assert_eq!(
            kinds(&checks_of(env, a)),
            ["log /shared/audit", "env a", "cloudfront"]
        );
        assert_eq!(kinds(&checks_of(env, b)), ["log /aws/lambda/b", "env b"]);
    }
}
