#!/usr/bin/env bash
# `make audit`: every installed package (the versions pyproject.toml pins, and what they pull in) checked
# against the Python Packaging Advisory Database (pip-audit, through PyPI's JSON API). A machine that
# cannot reach PyPI says so and exits 0: the check runs where the network allows, not in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The database answers per release (pip-audit asks /pypi/<name>/<version>/json for its "vulnerabilities");
# a mirror without those pages cannot tell.
probe='import json, urllib.request, django
url = f"https://pypi.org/pypi/django/{django.__version__}/json"
assert "vulnerabilities" in json.load(urllib.request.urlopen(url, timeout=10))'
if ! .venv/bin/python -c "$probe" 2>/dev/null; then
  echo "make audit: the vulnerability database (pypi.org's JSON API) cannot be reached from here; nothing was checked."
  exit 0
fi
exec .venv/bin/pip-audit --skip-editable --progress-spinner off
