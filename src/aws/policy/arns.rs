//! The ARNs a policy names: a function (by name or ARN), its versions, a log group, the
//! account's distributions, an alarm, the ECR repositories, each in the region's partition.

/// The IAM partition of a region: ARNs differ in China and GovCloud.
pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

pub(super) struct Arns<'a> {
    pub partition: &'static str,
    pub region: &'a str,
    pub account: &'a str,
}

impl Arns<'_> {
    /// The function's ARN. A contract may name a function by its ARN or a partial ARN
    /// (`ACCOUNT:function:NAME`), as Lambda's `FunctionName` accepts
    /// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html>): the resource
    /// is then that function, never a name with an ARN inside it.
    pub fn function(&self, name: &str) -> String {
        let Arns {
            partition,
            region,
            account,
        } = self;
        if name.starts_with("arn:") {
            return name.to_string();
        }
        match name.split_once(":function:") {
            Some((owner, function)) => {
                format!("arn:{partition}:lambda:{region}:{owner}:function:{function}")
            }
            None => format!("arn:{partition}:lambda:{region}:{account}:function:{name}"),
        }
    }

    /// Every version and alias of the function, not the function itself.
    pub fn function_versions(&self, name: &str) -> String {
        format!("{}:*", self.function(name))
    }

    pub fn log_group(&self, name: &str) -> String {
        let Arns {
            partition,
            region,
            account,
        } = self;
        format!("arn:{partition}:logs:{region}:{account}:log-group:{name}:*")
    }

    pub fn distributions(&self) -> String {
        let Arns {
            partition, account, ..
        } = self;
        format!("arn:{partition}:cloudfront::{account}:distribution/*")
    }

    pub fn alarm(&self, name: &str) -> String {
        let Arns {
            partition,
            region,
            account,
        } = self;
        format!("arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}")
    }

    pub fn repositories(&self) -> String {
        repositories(self.region, self.account)
    }
}

/// Every ECR repository of `account` in `region`.
pub(crate) fn repositories(region: &str, account: &str) -> String {
    format!(
        "arn:{}:ecr:{region}:{account}:repository/*",
        partition(region)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_follows_the_region() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }

    #[test]
    fn a_function_named_by_arn_is_that_arn() {
        let arns = Arns {
            partition: "aws",
            region: "us-east-1",
            account: "123456789012",
        };
        let full = "arn:aws:lambda:us-east-1:210987654321:function:worker";
        assert_eq!(arns.function(full), full);
        assert_eq!(
            arns.function("210987654321:function:worker"),
            "arn:aws:lambda:us-east-1:210987654321:function:worker"
        );
        assert_eq!(
            arns.function("worker"),
            "arn:aws:lambda:us-east-1:123456789012:function:worker"
        );
        assert_eq!(arns.function_versions(full), format!("{full}:*"));
    }
}
