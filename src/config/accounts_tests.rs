//! Tests of the account, region and role keys (`accounts.rs`).

use super::role_account;
use crate::config::parse;
use crate::diag::Code;

const THREE: &str = "\
version: 1
region: us-east-1
role: arn:aws:iam::111111111111:role/deploy
environments:
  dev:
    image: input
    functions: [{ name: w-dev }]
  staging:
    account: \"222222222222\"
    role: arn:aws:iam::222222222222:role/deploy
    region: eu-west-1
    image: { from: dev }
    functions:
      - name: w-stg
      - name: w-stg-us
        region: us-west-2
";

#[test]
fn environments_take_their_own_account_region_and_role() {
    let c = parse("c.yml", THREE).unwrap();
    let (dev, stg) = (&c.environments[0], &c.environments[1]);
    assert_eq!(
        c.role_of("dev").as_deref(),
        Some("arn:aws:iam::111111111111:role/deploy")
    );
    assert_eq!(c.account_of("dev").as_deref(), Some("111111111111"));
    assert_eq!(c.region_of(dev, 0, "ap-south-1"), "us-east-1");
    assert_eq!(
        c.role_of("staging").as_deref(),
        Some("arn:aws:iam::222222222222:role/deploy")
    );
    assert_eq!(c.account_of("staging").as_deref(), Some("222222222222"));
    assert_eq!(c.region_of(stg, 0, "ap-south-1"), "eu-west-1");
    assert_eq!(c.region_of(stg, 1, "ap-south-1"), "us-west-2");
    assert_eq!(c.roles().len(), 2);
}

#[test]
fn without_the_keys_nothing_changes() {
    let text =
        "version: 1\nenvironments:\n  dev:\n    image: input\n    functions: [{ name: w }]\n";
    let c = parse("c.yml", text).unwrap();
    assert_eq!(c.placement, Default::default());
    assert_eq!(c.role_of("dev"), None);
    assert_eq!(c.account_of("dev"), None);
    assert_eq!(
        c.region_of(&c.environments[0], 0, "eu-north-1"),
        "eu-north-1"
    );
}

#[test]
fn bad_values_are_errors_with_their_place() {
    let text = "\
version: 1
role: deploy
environments:
  dev:
    region: Europe
    account: \"12345\"
    image: input
    functions:
      - name: w
        region: 7
";
    let diags = parse("c.yml", text).unwrap_err();
    let at = |code: Code| {
        diags
            .iter()
            .find(|d| d.code == code)
            .map(|d| (d.at.line, d.at.col))
            .unwrap_or_else(|| panic!("no {code:?} in {diags:#?}"))
    };
    assert_eq!(at(Code::BadRole), (2, 7));
    assert_eq!(at(Code::BadRegion), (5, 13));
    assert_eq!(at(Code::BadAccount), (6, 14));
    assert_eq!(at(Code::WrongType), (10, 17));
    assert!(
        diags[0]
            .to_string()
            .starts_with("c.yml:2:7: `role` must be an IAM role ARN")
    );
}

#[test]
fn a_role_of_another_account_is_refused() {
    let text = "\
version: 1
account: \"111111111111\"
role: arn:aws:iam::111111111111:role/deploy
environments:
  prod:
    account: \"333333333333\"
    image: input
    functions: [{ name: w }]
";
    let diags = parse("c.yml", text).unwrap_err();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, Code::RoleAccountMismatch);
    assert_eq!((diags[0].at.line, diags[0].at.col), (3, 7));
    assert!(
        diags[0]
            .message
            .contains("environment `prod` acts in account 333333333333")
    );
}

#[test]
fn unknown_keys_next_to_the_new_ones_are_still_errors() {
    let text = "version: 1\nenvironments:\n  dev:\n    regoin: eu-west-1\n    image: input\n    functions: [{ name: w, regoin: x }]\n";
    let diags = parse("c.yml", text).unwrap_err();
    assert_eq!(
        diags.iter().filter(|d| d.code == Code::UnknownKey).count(),
        2
    );
}

#[test]
fn role_arns_name_their_account() {
    assert_eq!(
        role_account("arn:aws:iam::123456789012:role/a/b-c").as_deref(),
        Some("123456789012")
    );
    assert_eq!(
        role_account("arn:aws-cn:iam::123456789012:role/x").as_deref(),
        Some("123456789012")
    );
    for bad in [
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam::12345:role/x",
        "arn:aws:sts::123456789012:role/x",
        "arn:aws:iam:us-east-1:123456789012:role/x",
        "arn:aws:iam::123456789012:role/",
    ] {
        assert_eq!(role_account(bad), None, "{bad}");
    }
}
