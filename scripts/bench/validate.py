#!/usr/bin/env python3
"""Benchmark `lambda-promote validate` against a running moto server.

Usage (scripts/bench/validate.sh starts moto and calls this):
    .venv/bin/python scripts/bench/validate.py --binary target/release/lambda-promote \
        --moto http://127.0.0.1:PORT --fixtures tests/fixtures/demo --work DIR

For each scenario it seeds moto (fresh state), writes the contract into a temporary
workspace, and runs the binary exactly as the runner would (INPUT_* and GITHUB_* env),
with AWS_ENDPOINT_URL pointing at a counting proxy that forwards every request to moto.
It prints, per scenario: checks, wall time, peak RSS of the binary, and the number of
AWS requests it made (with a per-service breakdown).

Scenarios:
  demo          the demo contract (tests/fixtures/demo), three environments
  unique-300    100 functions in 10 environments, 300 checks on distinct resources
  shared-3      1 function, 3 checks (function-env, log-group, cloudfront)
  shared-300    the same 3 resources, 300 checks (100 of each kind)
The two `shared-*` scenarios show that the request count does not grow with the number
of checks that share a resource.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import counting_proxy  # noqa: E402  (the benchmarks' one counting proxy, next to this file)
REGION = "us-east-1"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker"


def moto_reset(endpoint):
    for path, body in (("/moto-api/reset", b""), ("/moto-api/config", json.dumps({"lambda": {"use_docker": False}}).encode())):
        req = urllib.request.Request(endpoint + path, data=body, method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).read()


def seed(endpoint, spec):
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/dev/seed.py"), "--endpoint", endpoint, "--region", REGION, "-"],
        input=json.dumps(spec), capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        sys.exit(f"seed failed: {out.stderr}")
    return json.loads(out.stdout)


# ---- scenarios: (seed spec, contract text, job env) ----

def demo(fixtures):
    spec = json.loads((fixtures / "seed.json").read_text())
    contract = (fixtures / "lambda-promote.yml").read_text()

    def env(seeded):
        d = seeded["distributions"]
        return {
            "CLOUDFRONT_DISTRIBUTION_ID": d["app-dev"]["id"],
            "STAGING_CLOUDFRONT_DISTRIBUTION_ID": d["app-staging"]["id"],
            "PROD_CLOUDFRONT_DISTRIBUTION_ID": d["app-prod"]["id"],
            "AURORA_HOST": "aurora-dev.cluster.example.internal",
            "WORKER_FUNCTION_NAME": "worker-dev",
        }

    return spec, contract, env


def function_spec(name):
    return {"name": name, "environment": {"DB_HOST": f"db.{name}.internal", "API_KEY": "x"},
            "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
            "aliases": [{"name": "live", "version": 1}]}


def base_spec():
    return {"role": "bench-role", "ecr": [{"repository": "worker", "images": [{"name": "v1", "tags": ["v1"]}]}]}


def unique(n_envs=10, per_env=10):
    """n_envs*per_env functions, 3 checks each on its own function, log group and distribution."""
    spec = base_spec()
    names = [f"fn-{e:02d}-{i:02d}" for e in range(n_envs) for i in range(per_env)]
    spec["functions"] = [function_spec(n) for n in names]
    spec["log_groups"] = [{"name": f"/aws/lambda/{n}"} for n in names]
    spec["cloudfront"] = [{"comment": f"cdn-{n}"} for n in names]
    lines = ["version: 1", f"region: {REGION}", 'account: "123456789012"', "environments:"]
    for e in range(n_envs):
        lines += [f"  env{e:02d}:", f"    when: {{ branch: release-{e:02d} }}", "    image: input", "    functions:"]
        env_names = names[e * per_env:(e + 1) * per_env]
        lines += [f"      - name: {n}" for n in env_names]
        lines.append("    checks:")
        for n in env_names:
            lines += [
                f"      - function-env: {{ function: {n}, keys: [DB_HOST, API_KEY] }}",
                f"      - log-group: /aws/lambda/{n}",
                f"      - cloudfront: {{ comment: cdn-{n} }}",
            ]
    return spec, "\n".join(lines) + "\n", lambda seeded: {}


def shared(copies):
    """One function, one log group, one distribution; `copies` checks of each kind on them."""
    spec = base_spec()
    spec["functions"] = [function_spec("fn-shared")]
    spec["log_groups"] = [{"name": "/aws/lambda/fn-shared"}]
    spec["cloudfront"] = [{"comment": "cdn-shared"}]
    lines = ["version: 1", f"region: {REGION}", 'account: "123456789012"', "environments:",
             "  dev:", "    when: { branch: dev }", "    image: input", "    functions:", "      - name: fn-shared",
             "    checks:"]
    for _ in range(copies):
        lines += [
            "      - function-env: { function: fn-shared, keys: [DB_HOST, API_KEY] }",
            "      - log-group: /aws/lambda/fn-shared",
            "      - cloudfront: { comment: cdn-shared }",
        ]
    return spec, "\n".join(lines) + "\n", lambda seeded: {}


# ---- one measured run ----

MEASURE = r"""
import resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.run(sys.argv[2:]).returncode
wall = time.monotonic() - start
# This process's only child is the binary, so this is the binary's peak RSS (KiB on Linux).
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{code} {wall:.6f} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.6f}")
"""


def parse_outputs(text):
    """The runner's `name=value` and `name<<DELIMITER` file-command format."""
    outputs, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        if "<<" in lines[i]:
            name, delim = lines[i].split("<<", 1)
            end = lines.index(delim, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end
        elif "=" in lines[i]:
            name, value = lines[i].split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


def run_validate(binary, proxy, contract, job_env, work):
    ws = Path(tempfile.mkdtemp(dir=work))
    (ws / "workspace/.github").mkdir(parents=True)
    (ws / "workspace/.github/lambda-promote.yml").write_text(contract)
    for f in ("output", "summary"):
        (ws / f).write_text("")
    (ws / "event.json").write_text(json.dumps({"pull_request": {"number": 1, "head": {"repo": {"fork": False}}}}))
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
        "INPUT_COMMAND": "validate", "INPUT_PR-COMMENT": "false",
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(ws / "workspace"),
        "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(ws / "event.json"),
        "GITHUB_REF": "refs/pull/1/merge", "GITHUB_SHA": "0" * 40, "GITHUB_REPOSITORY": "octo-org/worker",
        "GITHUB_RUN_ID": "1", "GITHUB_OUTPUT": str(ws / "output"), "GITHUB_STEP_SUMMARY": str(ws / "summary"),
        "RUNNER_TEMP": str(ws), "AWS_ENDPOINT_URL": proxy.endpoint, "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(ws / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(ws / "none"),
        **job_env,
    }
    proxy.counter.take()
    measured = ws / "measured"
    subprocess.run([sys.executable, "-c", MEASURE, str(measured), binary], cwd=ws / "workspace", env=env,
                   stdout=(ws / "stdout").open("w"), stderr=(ws / "stderr").open("w"), check=False)
    counts = proxy.counter.take()
    code, wall, rss, cpu = measured.read_text().split()
    outputs = parse_outputs((ws / "output").read_text())
    report = json.loads(outputs.get("report") or "{}")
    checks = len(report.get("findings", [])) if isinstance(report, dict) else len(report)
    return {"exit": int(code), "result": outputs.get("result", "-"), "wall": float(wall), "cpu": float(cpu),
            "rss_kib": int(rss), "requests": counts["total"], "by_service": counts["by_service"],
            "findings": checks}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--moto", required=True, help="moto endpoint, http://127.0.0.1:PORT")
    p.add_argument("--fixtures", default=str(ROOT / "tests/fixtures/demo"))
    p.add_argument("--work", default=None)
    p.add_argument("--repeat", type=int, default=3, help="runs per scenario; the median wall time is shown")
    args = p.parse_args()
    work = args.work or tempfile.mkdtemp()
    binary = str(Path(args.binary).resolve())
    Path(work).mkdir(parents=True, exist_ok=True)
    proxy = counting_proxy.serve(args.moto)

    scenarios = [
        ("demo", 10, demo(Path(args.fixtures))),
        ("unique-300", 300, unique()),
        ("shared-3", 3, shared(1)),
        ("shared-300", 300, shared(100)),
    ]
    rows = []
    for name, checks, (spec, contract, job_env) in scenarios:
        moto_reset(args.moto)
        seeded = seed(args.moto, spec)
        runs = [run_validate(binary, proxy, contract, job_env(seeded), work) for _ in range(args.repeat)]
        for r in runs:
            if r["exit"] != 0 or r["result"] != "success":
                sys.exit(f"{name}: validate exited {r['exit']} with result {r['result']}, expected 0/success")
        walls = sorted(r["wall"] for r in runs)
        cpus = sorted(r["cpu"] for r in runs)
        last = runs[-1]
        rows.append((name, checks, last["findings"], walls[len(walls) // 2], cpus[len(cpus) // 2],
                     max(r["rss_kib"] for r in runs), last["requests"], last["by_service"]))

    print(f"{'scenario':<12} {'checks':>6} {'findings':>8} {'wall':>8} {'CPU':>8} {'peak RSS':>10} {'requests':>8}  AWS requests by service")
    for name, checks, findings, wall, cpu, rss, requests, by in rows:
        services = ", ".join(f"{k} {v}" for k, v in by.items())
        print(f"{name:<12} {checks:>6} {findings:>8} {wall * 1000:>5.0f} ms {cpu * 1000:>5.0f} ms "
              f"{rss / 1024:>6.1f} MiB {requests:>8}  {services}")
    print("(wall and CPU: median of the runs; CPU is the binary's own user+system time)")
    r = {name: (wall, rss, req) for name, _, _, wall, _, rss, req, _ in rows}
    print()
    print(f"unique-300 / demo:       wall x{r['unique-300'][0] / r['demo'][0]:.1f}, "
          f"peak RSS x{r['unique-300'][1] / r['demo'][1]:.2f}, requests x{r['unique-300'][2] / r['demo'][2]:.1f}")
    print(f"shared-300 / shared-3:   wall x{r['shared-300'][0] / r['shared-3'][0]:.2f}, "
          f"peak RSS x{r['shared-300'][1] / r['shared-3'][1]:.2f}, requests x{r['shared-300'][2] / r['shared-3'][2]:.2f} "
          f"({r['shared-3'][2]} → {r['shared-300'][2]})")
    if r["shared-300"][2] != r["shared-3"][2]:
        sys.exit("FAIL: the request count grew with checks that share a resource")


if __name__ == "__main__":
    main()
