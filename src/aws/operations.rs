//! Every AWS operation the binary can call, with the IAM action it needs and
//! the resource it touches. The adapters name these in `AccessDenied` errors and
//! `iam-policy` builds the least-privilege policy from the same list, so the two
//! cannot drift apart.

/// What kind of resource an operation is authorised against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// `*` (the action supports no resource scoping).
    Any,
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`
    Function,
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME:*` (versions and aliases).
    FunctionQualified,
    /// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`
    LogGroup,
    /// `arn:aws:cloudfront::ACCOUNT:distribution/ID`
    Distribution,
    /// `arn:aws:ecr:REGION:ACCOUNT:repository/NAME`
    Repository,
    /// `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME` (metric alarms: a composite
    /// alarm needs `*`, <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html>).
    Alarm,
}

/// Which commands need an operation: validate-only reads, or promotion writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Needed {
    /// `validate`, `plan` and every other command.
    Validate,
    /// `plan`, `promote` (reads of the promotion path).
    Plan,
    /// `promote` only.
    Promote,
    /// `rollback` (and promote's own rollback path).
    Rollback,
    /// `init` only: a person runs it once with their own credentials, never a
    /// workflow's role, so no contract's policy grants it (`ListFunctions`
    /// returns every function's environment values: README, "Start from what runs").
    Init,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// IAM action, e.g. `lambda:UpdateAlias`.
    pub action: &'static str,
    pub resource: Resource,
    pub needed: Needed,
}

macro_rules! ops {
    ($($name:ident = $action:literal, $res:ident, $needed:ident;)*) => {
        $(pub const $name: Operation = Operation { action: $action, resource: Resource::$res, needed: Needed::$needed };)*
        /// Every operation, for `iam-policy` and its tests.
        pub const ALL: &[Operation] = &[$($name),*];
    };
}

ops! {
    GET_CALLER_IDENTITY = "sts:GetCallerIdentity", Any, Validate;
    GET_FUNCTION = "lambda:GetFunction", FunctionQualified, Validate;
    GET_ALIAS = "lambda:GetAlias", FunctionQualified, Validate;
    DESCRIBE_LOG_GROUPS = "logs:DescribeLogGroups", Any, Validate;
    LIST_DISTRIBUTIONS = "cloudfront:ListDistributions", Any, Validate;
    LIST_EVENT_SOURCE_MAPPINGS = "lambda:ListEventSourceMappings", Any, Validate;
    GET_FUNCTION_URL_CONFIG = "lambda:GetFunctionUrlConfig", FunctionQualified, Validate;
    GET_POLICY = "lambda:GetPolicy", FunctionQualified, Validate;
    GET_LIFECYCLE_POLICY = "ecr:GetLifecyclePolicy", Repository, Validate;
    DESCRIBE_IMAGES = "ecr:DescribeImages", Repository, Validate;
    BATCH_GET_IMAGE = "ecr:BatchGetImage", Repository, Plan;
    GET_REPOSITORY_POLICY = "ecr:GetRepositoryPolicy", Repository, Plan;
    UPDATE_FUNCTION_CODE = "lambda:UpdateFunctionCode", Function, Promote;
    GET_DOWNLOAD_URL_FOR_LAYER = "ecr:GetDownloadUrlForLayer", Repository, Promote;
    PUBLISH_VERSION = "lambda:PublishVersion", Function, Promote;
    INVOKE_FUNCTION = "lambda:InvokeFunction", FunctionQualified, Promote;
    CREATE_ALIAS = "lambda:CreateAlias", FunctionQualified, Promote;
    LIST_VERSIONS_BY_FUNCTION = "lambda:ListVersionsByFunction", Function, Promote;
    LIST_ALIASES = "lambda:ListAliases", Function, Promote;
    DELETE_FUNCTION = "lambda:DeleteFunction", FunctionQualified, Promote;
    FILTER_LOG_EVENTS = "logs:FilterLogEvents", LogGroup, Promote;
    DESCRIBE_LOG_STREAMS = "logs:DescribeLogStreams", LogGroup, Promote;
    CREATE_INVALIDATION = "cloudfront:CreateInvalidation", Distribution, Promote;
    GET_METRIC_DATA = "cloudwatch:GetMetricData", Any, Promote;
    DESCRIBE_ALARMS = "cloudwatch:DescribeAlarms", Alarm, Promote;
    LIST_PROVISIONED_CONCURRENCY = "lambda:ListProvisionedConcurrencyConfigs", Function, Validate;
    GET_PROVISIONED_CONCURRENCY = "lambda:GetProvisionedConcurrencyConfig", FunctionQualified, Validate;
    PUT_PROVISIONED_CONCURRENCY = "lambda:PutProvisionedConcurrencyConfig", FunctionQualified, Promote;
    DELETE_PROVISIONED_CONCURRENCY = "lambda:DeleteProvisionedConcurrencyConfig", FunctionQualified, Promote;
    UPDATE_ALIAS = "lambda:UpdateAlias", FunctionQualified, Rollback;
    DELETE_ALIAS = "lambda:DeleteAlias", FunctionQualified, Rollback;
    LIST_FUNCTIONS = "lambda:ListFunctions", Any, Init;
}
