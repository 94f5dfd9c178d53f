#!/usr/bin/env bash
# Creates ./.venv with the pinned moto server (requirements-dev.txt) if it is
# missing or out of date, then prints the path of moto_server. Idempotent: a
# stamp holding the requirements' checksum skips pip when nothing changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
reqs="$root/requirements-dev.txt"
stamp="$venv/.requirements-dev.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$reqs" | cut -d' ' -f1)"
if [[ -x "$venv/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin/moto_server"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  # Debian's python3 lacks ensurepip unless python3-venv is installed: fall
  # back to a pip-less venv and install into it with the system pip.
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    "$python" -m venv --without-pip "$venv"
  fi
fi

if [[ -x "$venv/bin/pip" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs" >&2
else
  "$python" -m pip install --quiet --disable-pip-version-check --python "$venv/bin/python" -r "$reqs" >&2
fi

if [[ ! -x "$venv/bin/moto_server" ]]; then
  echo "ensure-moto: moto_server missing from $venv after install" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "$venv/bin/moto_server"
