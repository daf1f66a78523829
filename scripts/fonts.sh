#!/usr/bin/env bash
# Sourced by test.sh and samples.sh after setup.sh: the free 仿宋 face FandolFang in the
# project's own font folder .fonts/, and WORKPLAN_DOCS_FONT_DIRS pointing at it.
# FandolFang ships only in Debian's texlive-lang-chinese, whose dependencies are hundreds of
# MB: the package is downloaded (not installed) and only FandolFang-Regular.otf is unpacked.
set -euo pipefail

if [ ! -s .fonts/FandolFang-Regular.otf ]; then
  _dl=$(mktemp -d)
  echo "Fetching FandolFang (texlive-lang-chinese, the font only) into .fonts/" >&2
  if ! (cd "$_dl" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
    _sudo=""
    [ "$(id -u)" -eq 0 ] || _sudo="sudo"
    $_sudo apt-get update -qq
    (cd "$_dl" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1)
  fi
  mkdir -p .fonts
  dpkg-deb --fsys-tarfile "$_dl"/texlive-lang-chinese_*.deb |
    tar -x -O --wildcards '*/fonts/opentype/public/fandol/FandolFang-Regular.otf' > .fonts/FandolFang-Regular.otf.tmp
  mv .fonts/FandolFang-Regular.otf.tmp .fonts/FandolFang-Regular.otf
  rm -rf "$_dl"
fi
export WORKPLAN_DOCS_FONT_DIRS="$PWD/.fonts"
