#!/usr/bin/env python3
"""Benchmark `lambda-promote status` of 300 functions against a running moto server.

Usage (scripts/bench/status.sh starts moto and calls this):
    .venv/bin/python scripts/bench/status.py --binary target/release/lambda-promote \
        --moto http://127.0.0.1:PORT --work DIR [--functions 300] [--repeat 1]

It seeds N functions (versions 1 and 2, alias `live` on 2 recording `previous=1`) in three
environments, runs the binary as the runner would (`command: status`) through the counting
proxy, and prints the wall time, the binary's CPU time and peak RSS, and the AWS requests
by service. Lambda's control-plane quota (15 requests per second, GetAlias) bounds the
wall time: about N / 15 seconds.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import counting_proxy  # noqa: E402
import validate as bench  # noqa: E402  (seeding, measuring and the runner's env, shared)


def world(n):
    spec = {"role": "bench-role",
            "ecr": [{"repository": "worker", "images": [{"name": t, "tags": [t]} for t in ("v1", "v2")]}]}
    spec["functions"] = [
        {"name": f"fn-{i:03d}",
         "versions": [{"image": {"repository": "worker", "tag": "v1"}},
                      {"image": {"repository": "worker", "tag": "v2"},
                       "description": "lambda-promote octo-org/worker ref=refs/heads/main commit=0123456789ab run=9"}],
         "aliases": [{"name": "live", "version": 2, "description": "lambda-promote previous=1 run=9"}]}
        for i in range(n)]
    lines = ["version: 1", f"region: {bench.REGION}", "environments:"]
    envs = 3
    for e in range(envs):
        lines += [f"  env{e}:", f"    when: {{ branch: release-{e} }}", "    image: input", "    functions:"]
        lines += [f"      - name: fn-{i:03d}" for i in range(e, n, envs)]
    return spec, "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--moto", required=True)
    p.add_argument("--work", default=None)
    p.add_argument("--functions", type=int, default=300)
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    work = args.work or tempfile.mkdtemp()
    Path(work).mkdir(parents=True, exist_ok=True)
    proxy = counting_proxy.serve(args.moto)
    bench.moto_reset(args.moto)
    spec, contract = world(args.functions)
    bench.seed(args.moto, spec)
    binary = str(Path(args.binary).resolve())
    runs = [bench.run_validate(binary, proxy, contract, {"INPUT_COMMAND": "status"}, work)
            for _ in range(args.repeat)]
    for r in runs:
        if r["exit"] != 0 or r["result"] != "success":
            sys.exit(f"status exited {r['exit']} with result {r['result']}, expected 0/success")
    walls = sorted(r["wall"] for r in runs)
    last = runs[-1]
    services = ", ".join(f"{k} {v}" for k, v in last["by_service"].items())
    print(f"status of {args.functions} functions: wall {walls[len(walls) // 2]:.1f} s, "
          f"CPU {last['cpu']:.2f} s, peak RSS {last['rss_kib'] / 1024:.1f} MiB, "
          f"{last['requests']} AWS requests ({services})")
    print(json.dumps({"functions": args.functions, "wall_s": round(walls[len(walls) // 2], 2),
                      "requests": last["requests"]}))


if __name__ == "__main__":
    main()
