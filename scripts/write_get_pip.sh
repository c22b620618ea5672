#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Write a stand-in for ansible-test's pip bootstrap script into the cache DIR (ansible-test looks in
# ~/.ansible/test/cache/get_pip_<version>.py; scripts/sanity.sh points HOME into .build/ so that DIR is there).
# ansible-test downloads the real get-pip.py from a host outside the reachable package registries, but first
# looks in that cache. The stand-in runs ensurepip, then `pip install` with the arguments it was given (minus
# get-pip's own --no-setuptools/--no-wheel), which works with the configured package index.
#
# Usage: scripts/write_get_pip.sh DIR [ANSIBLE_TEST]   (ANSIBLE_TEST: the ansible-test whose pip version to add)
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 DIR [ANSIBLE_TEST]" >&2; exit 2; }
CACHE="$1"
ANSIBLE_TEST="${2:-$(command -v ansible-test || true)}"
mkdir -p "$CACHE"

# 24.2 is the pip ansible-core 2.17-2.19 asks for; add whatever the given ansible-test names.
versions=(24.2)
if [[ -n "$ANSIBLE_TEST" ]]; then
    py="$(dirname "$ANSIBLE_TEST")/python"
    [[ -x "$py" ]] || py=python3
    req="$("$py" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))' 2>/dev/null || true)"
    if [[ -n "$req" && -f "$req" ]]; then
        v="$(sed -nE "s/^ *pip='([0-9.]+)',.*/\1/p" "$req" | head -n1)"
        [[ -n "$v" ]] && versions+=("$v")
    fi
fi

for v in $(printf '%s\n' "${versions[@]}" | sort -u); do
    cat > "$CACHE/get_pip_${v//./_}.py" <<'PY'
# Stand-in for get-pip.py, written by the testpress.lms test tooling for offline machines.
"""Bootstrap pip with ensurepip, then install the requested packages from the configured index."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
done
