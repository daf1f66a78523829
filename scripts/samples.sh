#!/usr/bin/env bash
# Build the sample documents of the seed plan into samples/out/ on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh python3-venv fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
"$VENV_PY" -m pip install -q -e .
.venv/bin/workplan-docs validate samples/seed-plan.yaml
.venv/bin/workplan-docs build samples/seed-plan.yaml -o samples/out
