#!/usr/bin/env bash
#: Lints the IAM policies `iam-policy` prints for the example contracts of the README
#: and docs/*.md (every ```yaml block that starts with `version: 1`) with parliament: every
#: permission policy (a role's `policy`, an account's `validate-policy`, the
#: single-account policy). Run by scripts/dev/lint.sh; parliament comes from
#: scripts/dev/install-linters.sh. Prints nothing but findings and a summary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --locked
# cargo's own CARGO_TARGET_DIR is honoured, as by the other scripts.
bin="${CARGO_TARGET_DIR:-$root/target}/debug/lambda-promote"

python3 - "$work" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
text = "\n".join(p.read_text() for p in [pathlib.Path("README.md"), *sorted(pathlib.Path("docs").glob("*.md"))])
blocks = re.findall(r"^ *```yaml\n(.*?)^ *```", text, flags=re.S | re.M)
n = 0
for b in blocks:
    # Leading comments (the `# yaml-language-server: $schema=…` line) come before the contract.
    body = "\n".join(l for l in b.splitlines() if not l.lstrip().startswith("#"))
    if body.lstrip().startswith("version: 1"):
        n += 1
        (out / f"contract{n}.yml").write_text(b)
print(f"lint-policies: {n} contracts from README.md and docs/")
PY

found=0
for contract in "$work"/contract*.yml; do
  name="$(basename "$contract" .yml)"
  GITHUB_REPOSITORY=octo-org/worker AWS_REGION=us-east-1 \
    "$bin" iam-policy --contract "$contract" >"$work/$name.json" 2>/dev/null
  # Every permission policy in the output, one file each.
  python3 - "$work/$name.json" "$work/$name" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
out = sys.argv[2]
docs = []
if "Statement" in doc:
    docs.append(("policy", doc))
for role, e in doc.get("roles", {}).items():
    docs.append((f"role {role}", e["policy"]))
for account, e in doc.get("accounts", {}).items():
    docs.append((f"validate {account}", e["validate-policy"]))
    if "policy" in e:
        docs.append((f"account {account}", e["policy"]))
for i, (label, policy) in enumerate(docs):
    with open(f"{out}-{i}.policy.json", "w") as f:
        json.dump(policy, f)
    print(f"lint-policies: {label}")
PY
  for policy in "$work/$name"-*.policy.json; do
    # parliament reads a policy from stdin when stdin is not a terminal.
    findings="$(parliament <"$policy")"
    if [[ -n "$findings" ]]; then
      echo "$findings"
      found=1
    fi
  done
done
exit "$found"
