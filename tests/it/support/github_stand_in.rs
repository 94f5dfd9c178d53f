//! A GitHub stand-in for tests that run the binary from plain test code: a wiremock server on
//! its own runtime, JSON answers mounted by verb and route, and the requests it saw. A run
//! points at it with `Run::github` (`run.rs`).

use serde_json::{Value, json};
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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

/// Creates Deployment `id` of `acme/app` and accepts its statuses.
pub async fn deployments(server: &MockServer, id: u64) {
    let created = "/repos/acme/app/deployments";
    answer(server, "POST", Some(created), 201, json!({"id": id})).await;
    let statuses = format!("{created}/{id}/statuses");
    answer(server, "POST", Some(&statuses), 201, json!({"id": 1})).await;
}

/// `METHOD /path` of a request, without its query.
pub fn line(request: &Request) -> String {
    format!("{} {}", request.method, request.url.path())
}

pub struct GitHubStandIn {
    runtime: Runtime,
    server: MockServer,
}

impl GitHubStandIn {
    pub fn start() -> GitHubStandIn {
        let runtime = Runtime::new().expect("runtime");
        let server = runtime.block_on(MockServer::start());
        GitHubStandIn { runtime, server }
    }

    /// Answers `status` with `body` to `VERB route`.
    pub fn answer(&self, verb: &str, route: &str, status: u16, body: Value) -> &GitHubStandIn {
        self.runtime
            .block_on(answer(&self.server, verb, Some(route), status, body));
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
