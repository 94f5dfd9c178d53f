//! Where a function version logs: the group of its `LoggingConfig`, which the canary reads
//! errors from (the default detection reads `Text` and `JSON` lines alike).

use crate::aws::error::AwsError;
use crate::aws::handles::Read;
use crate::aws::operations as ops;
use crate::config::model::bare_function_name;

/// The log group of one function version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTarget {
    pub group: String,
}

impl LogTarget {
    /// Lambda's default: `/aws/lambda/NAME`, plain text (`NAME` without the ARN around
    /// it, when the contract names the function by its ARN).
    pub fn default_for(function: &str) -> LogTarget {
        LogTarget {
            group: format!("/aws/lambda/{}", bare_function_name(function)),
        }
    }
}

impl Read {
    /// `GetFunction` of `function:version` (the 100/s pool, not the shared one), reduced
    /// to its `LoggingConfig`.
    pub async fn log_target(&self, function: &str, version: &str) -> Result<LogTarget, AwsError> {
        let req = self
            .c()
            .lambda
            .get_function()
            .function_name(function)
            .qualifier(version);
        let out = self
            .c()
            .call(ops::GET_FUNCTION, &format!("{function}:{version}"), || {
                req.clone().send()
            })
            .await?;
        let Some(c) = out.configuration() else {
            return Ok(LogTarget::default_for(function));
        };
        let mut target = LogTarget::default_for(function);
        if let Some(g) = c
            .logging_config()
            .and_then(|lc| lc.log_group())
            .filter(|g| !g.is_empty())
        {
            target.group = g.to_string();
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_group_is_named_for_the_function_not_its_arn() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:worker";
        assert_eq!(LogTarget::default_for(arn).group, "/aws/lambda/worker");
        assert_eq!(LogTarget::default_for("worker").group, "/aws/lambda/worker");
    }
}
