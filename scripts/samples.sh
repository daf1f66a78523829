#!/usr/bin/env bash
# Build the sample documents of the seed plan into samples/out/ on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh python3-venv fonts-noto-cjk fonts-wqy-zenhei fonts-lxgw-wenkai
source scripts/fonts.sh
"$VENV_PY" -m pip install -q -e .
.venv/bin/workplan-docs validate samples/seed-plan.yaml --notice samples/seed-notice.yaml
.venv/bin/workplan-docs build samples/seed-plan.yaml --notice samples/seed-notice.yaml -o samples/out
