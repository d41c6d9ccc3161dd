#!/usr/bin/env bash
# Set up pmereport on a fresh Debian/Ubuntu machine: the system libraries WeasyPrint needs to write
# PDFs (Pango, HarfBuzz, a font; poppler-utils for the PDF checks in the tests), then a virtual
# environment in .venv with pmereport and its test tools. Safe to run again.
# Windows / Anaconda: use `conda env create -f environment.yml` instead (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation poppler-utils"

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for p in $DEBIAN_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "== installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "note: not a Debian/Ubuntu machine; install Pango and a font for PDF output yourself" \
       "(or use conda: see README). \`pmereport doctor\` checks." >&2
fi

echo "== python environment in .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "== ready: .venv/bin/pmereport demo"
