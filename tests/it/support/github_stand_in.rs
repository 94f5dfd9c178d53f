//! A GitHub stand-in for tests that run the binary from plain test code: a wiremock server on
//! its own runtime, JSON answers mounted by verb and route, and the requests it saw. A run
//! points at it with `Run::github` (`run.rs`).
//!
//! Every server made here is guarded: a request that is not an operation of GitHub's REST API
//! description (method, path, parameters, body schema; `github_openapi.rs`) is answered 400 and
//! fails the test when the server is dropped. Successful answers are the description's own
//! response examples; hand-written JSON is left to faults (errors, odd pages).

use serde_json::{Value, json};
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use super::github_openapi;
pub use super::github_openapi::check;

/// The repository every stand-in serves, and its pull request #7's comments.
pub const REPOSITORY: &str = "acme/app";
pub const COMMENTS: &str = "/repos/acme/app/issues/7/comments";

/// Mounts `status` with the JSON `body` for every `VERB route` (any route: `None`).
pub async fn answer(
    server: &MockServer,
    verb: &str,
    route: Option<&str>,
    status: u16,
    body: Value,
) {
    let mock = Mock::given(method(verb));
    let mock = match route {
        Some(route) => mock.and(path(route)),
        None => mock,
    };
    mock.respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

pub const DEPLOYMENTS: &str = "/repos/acme/app/deployments";

/// A request GitHub's description does not have; says why on stderr.
struct NotInTheDescription;

impl Match for NotInTheDescription {
    fn matches(&self, request: &Request) -> bool {
        match github_openapi::check(request) {
            Ok(_) => false,
            Err(why) => {
                eprintln!(
                    "GitHub stand-in: request does not match GitHub's OpenAPI description: {why}"
                );
                true
            }
        }
    }
}

/// Guards `server`: any request off GitHub's description gets a 400, and the test fails when
/// the server is dropped (wiremock verifies `expect(0)` then).
pub async fn guard(server: &MockServer) {
    Mock::given(NotInTheDescription)
        .respond_with(|r: &Request| {
            let why = github_openapi::check(r).err().unwrap_or_default();
            ResponseTemplate::new(400).set_body_json(json!({"message": why}))
        })
        .with_priority(1)
        .expect(0)
        .named("every GitHub request matches GitHub's OpenAPI description")
        .mount(server)
        .await;
}

/// A guarded server in the caller's runtime (for `#[tokio::test]`s).
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    guard(&server).await;
    server
}

/// Verifies what was seen so far, then forgets every mock and guards again.
pub async fn reset(server: &MockServer) {
    server.verify().await;
    server.reset().await;
    guard(server).await;
}

/// Answers `VERB route` with the description's example for `status`, `edit`ed (an id that the
/// test needs, say); returns the answer.
pub async fn example(
    server: &MockServer,
    verb: &str,
    route: &str,
    status: u16,
    edit: impl FnOnce(&mut Value),
) -> Value {
    let template = template_of(verb, route);
    let mut body = github_openapi::example(verb, template, status);
    edit(&mut body);
    answer(server, verb, Some(route), status, body.clone()).await;
    body
}

/// The description's path template of a concrete route.
fn template_of(verb: &str, route: &str) -> &'static str {
    github_openapi::template(verb, route).unwrap_or_else(|| panic!("{verb} {route}: no operation"))
}

/// Creates Deployment `id` of `acme/app` (the description's example, with that id) and
/// accepts its statuses; the list of deployments is the description's (none of them ours).
pub async fn deployments(server: &MockServer, id: u64) {
    example(server, "POST", DEPLOYMENTS, 201, |d| d["id"] = json!(id)).await;
    let statuses = format!("{DEPLOYMENTS}/{id}/statuses");
    example(server, "POST", &statuses, 201, |s| {
        s["deployment_url"] = json!(format!(
            "https://api.github.com/repos/acme/app/deployments/{id}"
        ))
    })
    .await;
    example(server, "GET", DEPLOYMENTS, 200, |_| {}).await;
}

/// A comment as GitHub lists it (the description's example) with this id, body and author.
pub fn listed_comment(id: u64, body: Option<&str>, login: &str) -> Value {
    let template = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
    let mut c = github_openapi::example("GET", template, 200)[0].clone();
    c["id"] = json!(id);
    c["body"] = json!(body);
    c["user"]["login"] = json!(login);
    c
}

/// `METHOD /path` of a request, without its query.
pub fn line(request: &Request) -> String {
    format!("{} {}", request.method, request.url.path())
}

pub struct GitHubStandIn {
    // Dropped first, while its runtime still runs: the drop verifies the guard.
    server: MockServer,
    runtime: Runtime,
}

impl GitHubStandIn {
    pub fn start() -> GitHubStandIn {
        let runtime = Runtime::new().expect("runtime");
        let server = runtime.block_on(server());
        GitHubStandIn { server, runtime }
    }

    /// Answers `status` with `body` to `VERB route`.
    pub fn answer(&self, verb: &str, route: &str, status: u16, body: Value) -> &GitHubStandIn {
        self.runtime
            .block_on(answer(&self.server, verb, Some(route), status, body));
        self
    }

    /// Answers `VERB route` with the description's example for `status`, `edit`ed.
    pub fn example(
        &self,
        verb: &str,
        route: &str,
        status: u16,
        edit: impl FnOnce(&mut Value),
    ) -> &GitHubStandIn {
        self.runtime
            .block_on(example(&self.server, verb, route, status, edit));
        self
    }

    /// Creates Deployment `id` and accepts its statuses.
    pub fn deployments(&self, id: u64) -> &GitHubStandIn {
        self.runtime.block_on(deployments(&self.server, id));
        self
    }

    /// Mounts any other mock (a delayed answer, a matcher on the body).
    pub fn mount(&self, mock: Mock) -> &GitHubStandIn {
        self.runtime.block_on(mock.mount(&self.server));
        self
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.runtime
            .block_on(self.server.received_requests())
            .expect("recording is on")
    }

    /// `METHOD /path` of every request, in order.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(line).collect()
    }
}
