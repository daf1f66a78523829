#!/usr/bin/env bash
# Sourced by test.sh and samples.sh after setup.sh: the free 仿宋 face FandolFang, installed
# where fontconfig finds it (so our PDF writer, LibreOffice and every other program see it).
# FandolFang ships only in Debian's texlive-lang-chinese, whose dependencies are hundreds of
# MB: the package is downloaded (not installed) and only FandolFang-Regular.otf is unpacked.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then _fonts_dir=/usr/local/share/fonts/fandol; else _fonts_dir="$HOME/.local/share/fonts/fandol"; fi
if [ ! -s "$_fonts_dir/FandolFang-Regular.otf" ]; then
  _dl=$(mktemp -d)
  echo "Fetching FandolFang (texlive-lang-chinese, the font only) into $_fonts_dir" >&2
  if ! (cd "$_dl" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
    _sudo=""
    [ "$(id -u)" -eq 0 ] || _sudo="sudo"
    $_sudo apt-get update -qq
    (cd "$_dl" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1)
  fi
  mkdir -p "$_fonts_dir"
  dpkg-deb --fsys-tarfile "$_dl"/texlive-lang-chinese_*.deb |
    tar -x -O --wildcards '*/fonts/opentype/public/fandol/FandolFang-Regular.otf' > "$_fonts_dir/FandolFang-Regular.otf.tmp"
  mv "$_fonts_dir/FandolFang-Regular.otf.tmp" "$_fonts_dir/FandolFang-Regular.otf"
  rm -rf "$_dl"
  fc-cache -f "$_fonts_dir" >/dev/null 2>&1 || true
fi
