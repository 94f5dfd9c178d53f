#!/usr/bin/env python3
"""Extracts the GitHub artefacts the tests use from the pinned npm packages.

Usage: github_fixtures.py WEBHOOKS_PACKAGE_DIR OPENAPI_PACKAGE_DIR OUT_DIR

- webhooks.json: from @octokit/webhooks-examples, the first example payload of
  every activity of the events `command: auto` knows (pull_request,
  merge_group, push, workflow_dispatch, release), and every push example whose
  (ref kind, created, deleted) differs.
- openapi.json: from @octokit/openapi (api.github.com), only the operations the
  binary calls, every component they reference, descriptions dropped.
Both packages are MIT-licensed (LICENSE beside the output).
"""
import json
import sys
from pathlib import Path

EVENTS = ["pull_request", "merge_group", "push", "workflow_dispatch", "release"]

OPERATIONS = [
    ("/user", "get"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "get"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post"),
    ("/repos/{owner}/{repo}/issues/comments/{comment_id}", "patch"),
    ("/repos/{owner}/{repo}/deployments", "get"),
    ("/repos/{owner}/{repo}/deployments", "post"),
    ("/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "post"),
]

# Keys that only document; the tests never read them.
PROSE = {"description", "summary", "externalDocs", "x-github", "tags", "title"}


def webhooks(package: Path) -> dict:
    index = json.loads((package / "api.github.com" / "index.json").read_text())
    out = {}
    for event in index:
        if event["name"] not in EVENTS:
            continue
        kept, seen = [], set()
        for example in event["examples"]:
            if event["name"] == "push":
                key = (example["ref"].split("/")[1], example["created"], example["deleted"])
            else:
                key = example.get("action")
            if key not in seen:
                seen.add(key)
                kept.append(example)
        out[event["name"]] = kept
    return out


def strip(node, refs: set):
    """`node` without prose, noting every `$ref` it holds."""
    if isinstance(node, dict):
        if "$ref" in node:
            refs.add(node["$ref"])
        # A property named `description` is data, not prose: keep properties' keys.
        return {
            k: (strip(v, refs) if k != "properties" else {pk: strip(pv, refs) for pk, pv in v.items()})
            for k, v in node.items()
            if k not in PROSE or not isinstance(v, str)
        }
    if isinstance(node, list):
        return [strip(v, refs) for v in node]
    return node


def openapi(package: Path) -> dict:
    full = json.loads((package / "generated" / "api.github.com.json").read_text())
    refs: set = set()
    paths: dict = {}
    for path, verb in OPERATIONS:
        paths.setdefault(path, {})[verb] = strip(full["paths"][path][verb], refs)
    components: dict = {}
    done: set = set()
    while refs - done:
        ref = sorted(refs - done)[0]
        done.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = strip(full["components"][kind][name], refs)
        components.setdefault(kind, {})[name] = node
    return {
        "openapi": full["openapi"],
        "info": {"title": full["info"]["title"], "version": full["info"]["version"]},
        "paths": paths,
        "components": components,
    }


def main() -> None:
    hooks, api, out = (Path(a) for a in sys.argv[1:4])
    out.mkdir(parents=True, exist_ok=True)
    # The payloads stay whole (they are what GitHub sends) but on one line each.
    lines = ",\n".join(
        json.dumps(name) + ": [\n" + ",\n".join(json.dumps(e, sort_keys=True) for e in examples) + "\n]"
        for name, examples in webhooks(hooks).items()
    )
    (out / "webhooks.json").write_text("{\n" + lines + "\n}\n")
    (out / "openapi.json").write_text(json.dumps(openapi(api), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
