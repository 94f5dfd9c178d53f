//! Lost responses: AWS applied the write, but the answer never reached the client — a 5xx
//! from a front end or a connection reset. The SDK retries such errors, with the same
//! request (so the same, now stale, `RevisionId`) —
//! <https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>.

/// How an answer is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lost {
    /// HTTP 500 `ServiceException` instead of moto's answer.
    ServerError,
    /// The connection is closed without an answer.
    Reset,
}

#[derive(Clone, Debug)]
pub struct LostRule {
    pub op: String,
    pub times: u32,
    pub how: Lost,
    /// Answers to `op` delivered before the rule starts losing them.
    pub skip: u32,
}

/// Whether this answer to `op` is lost; counts the rule down.
pub fn take(rules: &mut [LostRule], op: &str) -> Option<Lost> {
    let rule = rules.iter_mut().find(|r| r.op == op && r.times > 0)?;
    if rule.skip > 0 {
        rule.skip -= 1;
        return None;
    }
    rule.times -= 1;
    Some(rule.how)
}
