//! The sticky pull-request comment: one per pull request and marker, found by
//! a hidden HTML marker and edited in place on every later run. Only a
//! comment the token itself wrote is ours (see `identity`): a marked comment
//! by anyone else is left alone and a new one is created.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::error::{COMMENTS_PERMISSION, Failure, GitHubError};
use super::{Created, GitHub, retry};

/// What `upsert_comment` did, with the comment's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentAction {
    Created(u64),
    Updated(u64),
}

/// GitHub refuses comment bodies over 65536 characters; stay a little under.
/// <https://docs.github.com/en/rest/issues/comments#create-an-issue-comment>
const MAX_BODY_UTF16: usize = 65_000;
const TRUNCATED_NOTE: &str = "\n\n…(truncated: the report is longer than a comment may be)";

/// Upper bound on pages of 100 comments to search, so a runaway `Link` chain
/// cannot loop; the operation budget bounds time as well.
const MAX_PAGES: usize = 100;

/// One listed comment; a body can be absent for a deleted or minimised one,
/// and the author for a deleted account ("ghost").
#[derive(Debug, Deserialize)]
struct Listed {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    user: Option<Author>,
}

#[derive(Debug, Deserialize)]
struct Author {
    login: String,
}

/// `<!-- marker -->`, the invisible tag that identifies our comment. A marker
/// that could close the HTML comment early, or span lines, is refused.
pub fn marker_tag(marker: &str) -> Result<String, GitHubError> {
    let marker = marker.trim();
    let bad = marker.is_empty()
        || marker.contains("--")
        || marker
            .chars()
            .any(|c| matches!(c, '<' | '>') || c.is_control());
    if bad {
        return Err(GitHubError::Other(format!(
            "invalid comment marker {marker:?}: must be one line without `--`, `<` or `>`"
        )));
    }
    Ok(format!("<!-- {marker} -->"))
}

/// The body to send: the marker first (unless the body carries it already),
/// then the body, cut to fit GitHub's limit on a character boundary.
fn body_with_marker(tag: &str, body: &str) -> String {
    let full = if body.contains(tag) {
        body.to_string()
    } else {
        format!("{tag}\n{body}")
    };
    fit(full)
}

/// GitHub counts the limit in UTF-16 code units, so count those.
fn fit(body: String) -> String {
    if body.encode_utf16().count() <= MAX_BODY_UTF16 {
        return body;
    }
    let room = MAX_BODY_UTF16 - TRUNCATED_NOTE.encode_utf16().count();
    let mut used = 0;
    let mut cut = body.len();
    for (i, c) in body.char_indices() {
        used += c.len_utf16();
        if used > room {
            cut = i;
            break;
        }
    }
    let mut out = body[..cut].to_string();
    out.push_str(TRUNCATED_NOTE);
    out
}

/// The comments carrying the tag, oldest first, with their authors.
fn marked(comments: &[Listed], tag: &str) -> Vec<(u64, String)> {
    comments
        .iter()
        .filter(|c| c.body.as_deref().is_some_and(|b| b.contains(tag)))
        .map(|c| {
            (
                c.id,
                c.user.as_ref().map(|u| u.login.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

/// The first marked comment written by `me` (GitHub logins ignore case).
fn ours(marked: &[(u64, String)], me: &str) -> Option<u64> {
    marked
        .iter()
        .find(|(_, login)| login.eq_ignore_ascii_case(me))
        .map(|(id, _)| *id)
}

#[derive(serde::Serialize)]
struct Body<'a> {
    body: &'a str,
}

impl GitHub {
    /// Creates the pull request's comment tagged `<!-- {marker} -->`, or
    /// updates it in place if one exists on any page. A retry starts with a
    /// fresh search, so a create that succeeded unseen is updated, not doubled.
    pub async fn upsert_comment(
        &self,
        pr: u64,
        marker: &str,
        body: &str,
    ) -> Result<CommentAction, GitHubError> {
        let tag = marker_tag(marker)?;
        let body = body_with_marker(&tag, body);
        retry::with_retries(&self.policy, COMMENTS_PERMISSION, "PR comment", || {
            self.upsert_once(pr, &tag, &body)
        })
        .await
    }

    async fn upsert_once(&self, pr: u64, tag: &str, body: &str) -> Result<CommentAction, Failure> {
        let marked = self.find_marked(pr, tag).await?;
        // Whose comment it is matters only when there is a marked one.
        let mine = if marked.is_empty() {
            None
        } else {
            // An unknown identity owns nothing: a new comment, never an edit.
            self.own_login().await?.and_then(|me| ours(&marked, &me))
        };
        match mine {
            Some(id) => {
                let route = self.repo_route(&format!("/issues/comments/{id}"));
                let _: IgnoredAny = self.patch(&route, &Body { body }).await?;
                Ok(CommentAction::Updated(id))
            }
            None => {
                let route = self.repo_route(&format!("/issues/{pr}/comments"));
                let created: Created = self.post(&route, &Body { body }).await?;
                Ok(CommentAction::Created(created.id))
            }
        }
    }

    /// Walks every page of the pull request's comments, following `Link: rel="next"`.
    async fn find_marked(&self, pr: u64, tag: &str) -> Result<Vec<(u64, String)>, Failure> {
        let route = self.repo_route(&format!("/issues/{pr}/comments"));
        let mut page: octocrab::Page<Listed> =
            self.get(&route, Some(&[("per_page", 100u8)])).await?;
        let mut found = Vec::new();
        for _ in 0..MAX_PAGES {
            found.extend(marked(&page.items, tag));
            match page.next.take() {
                Some(next) => page = self.get(&next.to_string(), None::<&()>).await?,
                None => return Ok(found),
            }
        }
        Err(Failure::Fatal(format!(
            "more than {} comments on pull request #{pr}; not searching further",
            MAX_PAGES * 100
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: u64, body: Option<&str>) -> Listed {
        Listed {
            id,
            body: body.map(str::to_string),
            user: Some(Author {
                login: if id == 4 {
                    "mallory"
                } else {
                    "github-actions[bot]"
                }
                .into(),
            }),
        }
    }

    #[test]
    fn marker_becomes_an_html_comment() {
        assert_eq!(
            marker_tag("lambda-promote:validate").unwrap(),
            "<!-- lambda-promote:validate -->"
        );
    }

    #[test]
    fn markers_that_break_the_html_comment_are_refused() {
        for bad in ["", "a -- b", "a-->", "x>y", "two\nlines"] {
            assert!(marker_tag(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_marker_is_added_once() {
        let tag = "<!-- m -->";
        assert_eq!(body_with_marker(tag, "hello"), "<!-- m -->\nhello");
        assert_eq!(body_with_marker(tag, "hi <!-- m -->"), "hi <!-- m -->");
    }

    #[test]
    fn the_first_marked_comment_of_our_own_is_found() {
        let tag = "<!-- m -->";
        let comments = [
            listed(1, Some("unrelated")),
            listed(2, None),
            listed(4, Some("<!-- m -->\nforeign, older")),
            listed(3, Some("<!-- m -->\nold")),
        ];
        let found = marked(&comments, tag);
        assert_eq!(found.len(), 2);
        assert_eq!(ours(&found, "GitHub-Actions[bot]"), Some(3));
        assert_eq!(ours(&found, "mallory"), Some(4));
        assert_eq!(ours(&found, "alice"), None);
        assert!(marked(&comments[..2], tag).is_empty());
        assert!(marked(&[listed(5, Some("<!-- m2 -->"))], tag).is_empty());
    }

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        // "é" is 2 bytes and 1 UTF-16 unit, "😀" is 4 bytes and 2 units.
        let body = "é😀".repeat(30_000);
        let out = fit(body);
        assert!(out.encode_utf16().count() <= MAX_BODY_UTF16);
        assert!(out.ends_with(TRUNCATED_NOTE));
        assert!(out.len() > 60_000);
        let short = "short".to_string();
        assert_eq!(fit(short.clone()), short);
    }
}
