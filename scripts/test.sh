#!/usr/bin/env bash
# Install what the tests need on a fresh Debian machine (fonts, poppler-utils, LibreOffice, Chromium,
# the package with its test extras) and run the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh python3-venv fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei \
  poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui chromium
"$VENV_PY" -m pip install -q -e '.[test]'
exec "$VENV_PY" -m pytest -n 2 "$@"
