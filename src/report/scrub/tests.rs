//! The scrubber's matching: forms, overlaps, case, cuts, short values.

use super::*;

#[test]
fn secrets_in_aws_messages_are_redacted() {
    let s = Scrubber::new(["secret-function-name", ""], None);
    let msg = "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: \
               lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secret-function-name";
    let out = s.text(msg);
    assert!(!out.contains("secret-function-name"), "{out}");
    assert!(out.ends_with("function:se…me"), "{out}");
}

#[test]
fn the_longer_secret_is_replaced_whole() {
    let s = Scrubber::new(["abcdefghijklmnop", "abcdefghijklmnopqrst"], None);
    assert_eq!(s.text("x abcdefghijklmnopqrst y"), "x ab…st y");
}

#[test]
fn overlapping_secrets_are_one_range() {
    // Replaced one after the other, the first would leave `MNOPQRST` of the second.
    let s = Scrubber::new(["0123456789ABCDEFGHIJ", "GHIJKLMNOPQRSTUVWXYZ"], None);
    let out = s.text("<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ>");
    assert_eq!(out, "<***>");
}

#[test]
fn short_values_are_no_pattern_and_are_counted() {
    let s = Scrubber::new(["ab", "42", "abcd"], None);
    assert_eq!(s.too_short(), 2);
    assert_eq!(s.text("ab 42 abcd"), "ab 42 ***");
}

#[test]
fn folded_values_are_found_in_any_case() {
    let mut s = Scrubber::default();
    s.add_folded("E2SECRETDISTRIB99");
    assert_eq!(
        s.text("distribution/e2secretdistrib99 x"),
        "distribution/E2…99 x"
    );
}

#[test]
fn encoded_and_multi_line_forms() {
    let token = "IQoJb3JpZ2luX2VjEJ/abc+def==";
    let s = Scrubber::new([token, "line-one-secret\nline-two-secret"], None);
    let canonical = "x-amz-security-token:IQoJb3JpZ2luX2VjEJ/abc+def==\n\
                     X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJ%2Fabc%2Bdef%3D%3D";
    let out = s.text(canonical);
    assert!(!out.contains("IQoJb3Jp"), "{out}");
    assert_eq!(s.text("got line-two-secret"), "got ***");
    assert_eq!(
        s.text(r#"{"v":"line-one-secret\nline-two-secret"}"#),
        r#"{"v":"***"}"#
    );
}

#[test]
fn a_secret_cut_before_scrubbing_shows_no_piece() {
    let s = Scrubber::new(["s3cr3t-db-password-0123456789"], None);
    assert_eq!(s.text("ERROR x=s3cr3t-db-pa…"), "ERROR x=***…");
    // Three characters are no evidence.
    assert_eq!(s.text("ab s3c…"), "ab s3c…");
    // The redacted form itself is left alone when scrubbed again.
    let once = s.text("v=s3cr3t-db-password-0123456789");
    assert_eq!(s.text(&once), once);
}

#[test]
fn a_shared_scrubber_set_later_scrubs_for_every_holder() {
    let shared = Shared::default();
    let main = shared.clone();
    assert_eq!(
        main.text("x leaky-secret-value-42"),
        "x leaky-secret-value-42"
    );
    shared.set(Scrubber::new(["leaky-secret-value-42"], None));
    assert_eq!(main.text("x leaky-secret-value-42"), "x le…42");
}
