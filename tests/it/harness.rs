//! Proves the test harness itself: moto on a free port, seeding, the request recorder, the
//! output-file parser, and that dropping `Moto` stops the server.
//!
//! Bare moto by design: the realism proxy is built on this harness, so it is proved first.

use crate::support::{Moto, Recorder, parse_outputs};
use serde_json::json;
use std::net::TcpStream;

#[test]
fn moto_starts_seeds_and_stops_on_drop() {
    let moto = Moto::start();
    let other = Moto::start();
    assert_ne!(
        moto.port(),
        other.port(),
        "each Moto gets its own free port"
    );
    drop(other);

    let seeded = moto.seed(json!({
        "ecr": [{"repository": "worker", "images": [
            {"name": "v1", "tags": ["v1"]},
            {"name": "multi", "tags": ["multi"], "media_type": "oci-index"}
        ]}],
        "functions": [
            {"name": "worker-dev", "environment": {"AURORA_HOST": "db"},
             "versions": [{"image": {"repository": "worker", "tag": "v1"}}, {}],
             "aliases": [{"name": "live", "version": 1, "weights": {"2": 0.25}}]},
            {"name": "zipped", "package_type": "Zip"}
        ],
        "log_groups": [{"name": "/aws/lambda/worker-dev",
                        "streams": [{"name": "{date}/[1]abc", "events": [{"message": "ERROR x"}]}]}],
        "cloudfront": [{"comment": "app-dev", "aliases": ["dev.example.com"]}]
    }));

    let digest = seeded["images"]["v1"]["digest"].as_str().expect("digest");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    assert_eq!(
        seeded["images"]["multi"]["media_type"],
        "application/vnd.oci.image.index.v1+json"
    );
    let dev = &seeded["functions"]["worker-dev"];
    assert_eq!(
        dev["arn"],
        "arn:aws:lambda:us-east-1:123456789012:function:worker-dev"
    );
    // MOTO_LAMBDA_STUB_ECR=false: the code hash is the ECR digest.
    assert_eq!(
        dev["versions"]["1"]["code_sha256"].as_str(),
        digest.strip_prefix("sha256:")
    );
    assert_eq!(dev["aliases"]["live"]["version"], "1");
    assert_eq!(dev["aliases"]["live"]["weights"]["2"], 0.25);
    assert_eq!(seeded["functions"]["zipped"]["package_type"], "Zip");
    let stream = seeded["log_groups"]["/aws/lambda/worker-dev"]["streams"][0]
        .as_str()
        .expect("stream");
    assert!(stream.ends_with("/[1]abc") && stream.len() == "2026/11/22/[1]abc".len());
    let id = seeded["distributions"]["app-dev"]["id"]
        .as_str()
        .expect("distribution id");
    assert!(!id.is_empty());

    moto.queue_invoke_result(r#"{"ok": true}"#);

    let port = moto.port();
    drop(moto);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "moto still answers on {port} after drop"
    );
}

#[test]
fn recorder_records_requests_and_answers_500() {
    let recorder = Recorder::start();
    recorder.assert_no_requests();
    let port: u16 = recorder
        .endpoint()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    use std::io::{Read, Write};
    stream
        .write_all(b"POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Probe\r\nContent-Length: 2\r\n\r\n{}")
        .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");

    let seen = recorder.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/2015-03-31/functions");
    assert_eq!(seen[0].header("x-amz-target"), Some("Probe"));
}

#[test]
fn parses_heredoc_and_plain_outputs() {
    let text = "result=success\nreport<<ghadelimiter_1\n{\"a\":1}\nline two\nghadelimiter_1\ndrift=false\n";
    let outputs = parse_outputs(text);
    assert_eq!(outputs["result"], "success");
    assert_eq!(outputs["report"], "{\"a\":1}\nline two");
    assert_eq!(outputs["drift"], "false");
}
