//! The states of the canary's CloudWatch alarms, metric and composite, in one paced
//! `DescribeAlarms` call. A named alarm that does not exist is an error, so a typo fails
//! closed instead of gating nothing.

use aws_sdk_cloudwatch::types::{AlarmType, StateValue};

use super::error::{AwsError, ErrorKind};
use super::handles::Read;
use super::operations as ops;

/// An alarm's name and whether it is in `ALARM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmState {
    pub name: String,
    pub firing: bool,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: String,
}

impl Read {
    /// The state of each alarm in `names`, in that order.
    pub async fn alarm_states(&self, names: &[String]) -> Result<Vec<AlarmState>, AwsError> {
        let resource = names.join(",");
        let req = self
            .c()
            .cloudwatch
            .describe_alarms()
            .set_alarm_names(Some(names.to_vec()))
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm);
        let pages = self
            .c()
            .pages(ops::DESCRIBE_ALARMS, &resource, || {
                req.clone().into_paginator().send()
            })
            .await?;
        let mut found: Vec<(String, Option<StateValue>)> = Vec::new();
        for page in &pages {
            for a in page.metric_alarms() {
                found.push((
                    a.alarm_name().unwrap_or_default().to_string(),
                    a.state_value().cloned(),
                ));
            }
            for a in page.composite_alarms() {
                found.push((
                    a.alarm_name().unwrap_or_default().to_string(),
                    a.state_value().cloned(),
                ));
            }
        }
        names
            .iter()
            .map(|name| match found.iter().find(|(n, _)| n == name) {
                Some((_, state)) => Ok(AlarmState {
                    name: name.clone(),
                    firing: state == &Some(StateValue::Alarm),
                    state: state.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string(),
                }),
                None => Err(AwsError {
                    kind: ErrorKind::NotFound,
                    action: ops::DESCRIBE_ALARMS.action,
                    resource: name.clone(),
                    code: "AlarmNotFound".into(),
                    message: format!(
                        "no CloudWatch alarm is named {name} in this account and region"
                    ),
                }),
            })
            .collect()
    }
}
