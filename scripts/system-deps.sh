#!/usr/bin/env bash
# Makes sure the Debian packages the project needs are on the machine:
#   - python3-venv        (a virtual environment for the project)
#   - Pango               (WeasyPrint renders the PDFs; the Cyrillic font itself is bundled in static/fonts)
#   - chromium            (browser tests drive Debian's Chromium through Playwright; only with `tests`)
#   - libreoffice-calc-nogui (a test opens every XLSX the product writes in LibreOffice; only with `tests`)
# As root with apt-get it installs what is missing; otherwise it prints the one command to run.
set -euo pipefail

want_browser=${1:-}
missing=()

python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)  # WeasyPrint's font subsetting
if [ "$want_browser" = "tests" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v soffice >/dev/null 2>&1 || [ -x /usr/lib/libreoffice/program/soffice ] || missing+=(libreoffice-calc-nogui)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
