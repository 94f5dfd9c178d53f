//! Whether a listing's page says another follows, so a listing takes a pacing slot only
//! for a page it will request: the paginator stops without a request after a page with no
//! next token, and a slot taken for it would be a request's worth of quota spent on nothing
//! (a one-page listing would cost two).

/// A page of a paginated listing.
pub trait NextPage {
    /// The page carries a token for the next.
    fn has_next(&self) -> bool;
}

macro_rules! next_by {
    ($($ty:ty => $field:ident;)*) => {
        $(impl NextPage for $ty {
            fn has_next(&self) -> bool {
                self.$field().is_some_and(|t| !t.is_empty())
            }
        })*
    };
}

next_by! {
    aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput => next_token;
    aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput => next_token;
    aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput => next_token;
    aws_sdk_cloudwatchlogs::operation::describe_log_streams::DescribeLogStreamsOutput => next_token;
    aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput => next_token;
    aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput => next_marker;
    aws_sdk_lambda::operation::list_aliases::ListAliasesOutput => next_marker;
    aws_sdk_lambda::operation::list_functions::ListFunctionsOutput => next_marker;
    aws_sdk_lambda::operation::list_provisioned_concurrency_configs::ListProvisionedConcurrencyConfigsOutput => next_marker;
}

impl NextPage for aws_sdk_cloudfront::operation::list_distributions::ListDistributionsOutput {
    fn has_next(&self) -> bool {
        self.distribution_list()
            .is_some_and(|l| l.is_truncated() && l.next_marker().is_some_and(|m| !m.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
    use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;

    #[test]
    fn a_page_without_a_token_is_the_last() {
        assert!(!DescribeLogGroupsOutput::builder().build().has_next());
        assert!(
            !DescribeLogGroupsOutput::builder()
                .next_token("")
                .build()
                .has_next()
        );
        assert!(
            DescribeLogGroupsOutput::builder()
                .next_token("t")
                .build()
                .has_next()
        );
        assert!(
            ListAliasesOutput::builder()
                .next_marker("m")
                .build()
                .has_next()
        );
    }
}
