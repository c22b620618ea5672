#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Make (or refresh) a venv of pinned tools under .build/ and print its bin directory:
#   scripts/pinned_venv.sh core-2.21 3.12        ->  .build/core-2.21/bin, from requirements-core-2.21.txt, Python 3.12
#   scripts/pinned_venv.sh galaxy-importer 3.11  ->  .build/galaxy-importer/bin, from requirements-galaxy-importer.txt
# The Python is found as pythonX.Y on PATH, else in pyenv. A missing interpreter fails with one line naming what
# to install: an ansible-core leg that cannot run is not a pass.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
[[ $# -eq 2 ]] || { echo "usage: $0 NAME PYTHON_VERSION" >&2; exit 2; }
name="$1" python="$2"
requirements="$ROOT/requirements-$name.txt"
venv="$BUILD_DIR/$name"
[[ -f "$requirements" ]] || { echo "$name: $requirements not found" >&2; exit 2; }

is_python() {  # is_python PATH: that interpreter runs and is Python $python
    [[ -x "$1" ]] && [[ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" == "$python" ]]
}

if ! is_python "$venv/bin/python"; then
    interpreter=""
    if is_python "$(command -v "python$python" || true)"; then
        interpreter="$(command -v "python$python")"
    elif command -v pyenv >/dev/null; then
        # The newest installed patch release of that Python.
        for candidate in $(printf '%s\n' "$(pyenv root)/versions/$python".* | sort -V -r); do
            if is_python "$candidate/bin/python"; then interpreter="$candidate/bin/python"; break; fi
        done
    fi
    if [[ -z "$interpreter" ]]; then
        echo "$name: Python $python not found (neither python$python on PATH nor in pyenv): install it, e.g. 'pyenv install $python'" >&2
        exit 1
    fi
    rm -rf "$venv"
    "$interpreter" -m venv "$venv" >&2
fi

# The venv keeps a copy of the requirements it was made from: a changed pin reinstalls.
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
    echo "== $name: installing $(basename "$requirements") into $venv" >&2
    "$venv/bin/python" -m pip install -q -r "$requirements" >&2
    cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv/bin"
