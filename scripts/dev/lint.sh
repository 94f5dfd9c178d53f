#!/usr/bin/env bash
#: Lints everything that is not Rust code: action metadata, workflows (the
#: project's and the examples users copy), the Dockerfile, shell scripts, the
#: IAM policies of the README's contracts (parliament), and the dependency tree
#: (cargo-deny). Install the tools first with
#: scripts/dev/install-linters.sh. Runs offline: cargo-deny's advisories check needs
#: the RustSec database from the network, so only the GitHub workflow runs it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="${LINT_VENV:-$root/.venv-lint}/bin:$PATH"

workflows=(.github/workflows/*.yml examples/*.yml)
failed=()

step() {
  local name="$1"
  shift
  echo "lint: $name"
  if ! "$@"; then
    failed+=("$name")
  fi
}

step "action.yml schema" check-jsonschema --builtin-schema vendor.github-actions action.yml
step "workflow schema" check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
step "dependabot schema" check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
# actionlint also shellchecks every `run:` block, with shellcheck from the venv.
step "actionlint" actionlint -no-color "${workflows[@]}"
step "zizmor" zizmor --offline --no-progress --config .github/zizmor.yml "${workflows[@]}"
# The auditor persona adds the noisier audits (secrets-outside-env, …); what it
# may flag on purpose is listed with its reason in .github/zizmor.yml.
step "zizmor (auditor)" zizmor --offline --no-progress --persona auditor --config .github/zizmor.yml "${workflows[@]}"
step "hadolint" hadolint Dockerfile
# The policies `iam-policy` prints for the README's contracts: parliament finds nothing.
step "parliament" scripts/dev/lint-policies.sh
step "shellcheck" shellcheck -x .ci/run scripts/*.sh scripts/*/*.sh
# Not --offline: `cargo metadata` may need to fetch other platforms' crates from
# crates.io on a fresh machine; nothing else is fetched.
step "cargo deny" cargo deny --locked check licenses bans sources

if ((${#failed[@]})); then
  echo "lint: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint: all checks passed"
