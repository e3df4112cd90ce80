#!/usr/bin/env bash
# Prints the interpreter the project's environment should use, or nothing to leave it to uv:
# the first of the given candidates (default: the distribution's) that is Python 3.11 or newer.
# uv takes the first Python on PATH, which is often a pyenv or asdf build compiled without
# PGO/LTO: rendering and parsing are pure Python and run ~15-20% slower on such a build than on
# the distribution's own (measured: the same scorecard 0.34 s vs 0.29 s of CPU).
set -euo pipefail

candidates=("$@")
[ $# -gt 0 ] || candidates=(/usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11)
for py in "${candidates[@]}"; do
  if [ -x "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "$py"
    exit 0
  fi
done
