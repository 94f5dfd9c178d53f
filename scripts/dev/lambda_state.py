#!/usr/bin/env python3
"""Print the Lambda state of some functions as JSON, to compare before and after a run.

Usage:
    .venv/bin/python scripts/dev/lambda_state.py --endpoint http://127.0.0.1:PORT --region us-east-1 FUNCTION...

Output, per function (a missing function maps to null):

{"worker-dev": {
   "latest": {"image_uri": "…", "code_sha256": "…", "description": "…"},
   "versions": {"1": {"code_sha256": "…", "description": "…"}},
   "aliases": {"live": {"version": "1", "weights": {"2": 0.1}, "description": "…"}}}}

Used by the integration tests (tests/it/support/state.rs) and scripts/bench/promote.sh.
"""

import argparse
import json

import boto3


def function_state(lam, name):
    try:
        latest = lam.get_function(FunctionName=name)
    except lam.exceptions.ResourceNotFoundException:
        return None
    state = {
        "latest": {
            "image_uri": latest.get("Code", {}).get("ImageUri", ""),
            "code_sha256": latest["Configuration"].get("CodeSha256", ""),
            "description": latest["Configuration"].get("Description", ""),
        },
        "versions": {},
        "aliases": {},
    }
    for v in lam.list_versions_by_function(FunctionName=name)["Versions"]:
        if v["Version"] == "$LATEST":
            continue
        # Not the version's ImageUri: moto reports $LATEST's for every version (tests/MOTO.md).
        state["versions"][v["Version"]] = {
            "code_sha256": v.get("CodeSha256", ""),
            "description": v.get("Description", ""),
        }
    for a in lam.list_aliases(FunctionName=name)["Aliases"]:
        state["aliases"][a["Name"]] = {
            "version": a["FunctionVersion"],
            "weights": a.get("RoutingConfig", {}).get("AdditionalVersionWeights", {}),
            "description": a.get("Description", ""),
        }
    return state


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("functions", nargs="+")
    args = parser.parse_args()
    lam = boto3.client(
        "lambda",
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    print(json.dumps({f: function_state(lam, f) for f in args.functions}, sort_keys=True))


if __name__ == "__main__":
    main()
