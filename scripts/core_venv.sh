#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Make (or refresh) the venv of one ansible-core leg of `make test` and print its bin directory:
#   scripts/core_venv.sh 2.21 3.12   ->  .build/core-2.21/bin, from requirements-core-2.21.txt on Python 3.12
# The Python is found as pythonX.Y on PATH, else in pyenv. A missing interpreter fails the leg with one line
# naming what to install: a leg that cannot run is not a pass.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
[[ $# -eq 2 ]] || { echo "usage: $0 ANSIBLE_CORE_VERSION PYTHON_VERSION" >&2; exit 2; }
core="$1" python="$2"
requirements="$ROOT/requirements-core-$core.txt"
venv="$BUILD_DIR/core-$core"
[[ -f "$requirements" ]] || { echo "ansible-core $core leg: $requirements not found" >&2; exit 2; }

is_python() {  # is_python PATH: that interpreter runs and is Python $python
    [[ -x "$1" ]] && [[ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" == "$python" ]]
}

if ! is_python "$venv/bin/python"; then
    interpreter=""
    if is_python "$(command -v "python$python" || true)"; then
        interpreter="$(command -v "python$python")"
    elif command -v pyenv >/dev/null; then
        # The newest installed patch release of that Python.
        for candidate in $(ls -d "$(pyenv root)/versions/$python".* 2>/dev/null | sort -V -r); do
            if is_python "$candidate/bin/python"; then interpreter="$candidate/bin/python"; break; fi
        done
    fi
    if [[ -z "$interpreter" ]]; then
        echo "ansible-core $core leg: Python $python not found (neither python$python on PATH nor in pyenv): install it, e.g. 'pyenv install $python'" >&2
        exit 1
    fi
    rm -rf "$venv"
    "$interpreter" -m venv "$venv" >&2
fi

# The venv keeps a copy of the requirements it was made from: a changed pin reinstalls.
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
    echo "== ansible-core $core leg: installing $(basename "$requirements") into $venv" >&2
    "$venv/bin/python" -m pip install -q -r "$requirements" >&2
    cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv/bin"
