//! Where a function version logs: the group of its `LoggingConfig`, which the canary reads
//! errors from (the default detection reads `Text` and `JSON` lines alike).

use super::clients::Clients;
use super::error::AwsError;
use super::operations as ops;

/// The log group of one function version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTarget {
    pub group: String,
}

impl LogTarget {
    /// Lambda's default: `/aws/lambda/NAME`, plain text.
    pub fn default_for(function: &str) -> LogTarget {
        LogTarget {
            group: format!("/aws/lambda/{function}"),
        }
    }
}

impl Clients {
    /// `GetFunctionConfiguration` of `function:version`, reduced to its `LoggingConfig`.
    pub async fn log_target(&self, function: &str, version: &str) -> Result<LogTarget, AwsError> {
        let c = self
            .lambda
            .get_function_configuration()
            .function_name(function)
            .qualifier(version)
            .send()
            .await
            .map_err(|e| {
                AwsError::classify(
                    ops::GET_FUNCTION_CONFIGURATION,
                    &format!("{function}:{version}"),
                    &e,
                )
            })?;
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
