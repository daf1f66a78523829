#!/usr/bin/env bash
# Shared by samples.sh and test.sh: system packages (when missing) and a virtualenv in .venv.
# Usage: source scripts/setup.sh <apt packages…>
set -euo pipefail

_missing=()
for _pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$_pkg" 2>/dev/null | grep -q "install ok installed" || _missing+=("$_pkg")
done
if [ ${#_missing[@]} -gt 0 ]; then
  _sudo=""
  [ "$(id -u)" -eq 0 ] || _sudo="sudo"
  echo "Installing system packages: ${_missing[*]}" >&2
  $_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq --no-install-recommends "${_missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
VENV_PY=.venv/bin/python
