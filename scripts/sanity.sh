#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run `ansible-test sanity` on a physical copy of the collection (no Docker, offline).
#
# ansible-test insists on running from a directory whose real path ends in
# ansible_collections/<namespace>/<name>; a symlink is rejected. So the source
# files (what git sees: tracked + untracked-not-ignored) are copied into
# .build/sanity-<ansible-core version>/ansible_collections/testpress/lms, a throwaway
# git repo is made there (ansible-test then lists files with `git ls-files`, honouring
# .gitignore), and ansible-test runs in it.
#
# ansible-test keeps its pip bootstrap cache and its sanity venvs under ~/.ansible/test
# (it reads no other setting for them): HOME points at .build/home-<ansible-core version>,
# so nothing is written outside the repository, and make test's sanity runs of two releases,
# side by side, never write the same cache. The user's pip configuration and pyenv stay found.
#
# ANSIBLE_TEST picks another ansible-core's ansible-test (make sanity-2.16); extra
# arguments go to ansible-test, e.g. `scripts/sanity.sh --test pep8`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PY_VERSION="${SANITY_PYTHON:-3.11}"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
ANSIBLE_TEST="${ANSIBLE_TEST:-$(command -v ansible-test || true)}"

if [[ ! -x "$ANSIBLE_TEST" ]]; then
    echo "ansible-test not found: run 'make sanity' (it uses .venv)" >&2
    exit 2
fi
core="$("$ANSIBLE_TEST" --version | sed -nE 's/.* ([0-9]+\.[0-9]+)\.[0-9].*/\1/p')"
DEST="$BUILD_DIR/sanity-$core/ansible_collections/testpress/lms"

export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$HOME/.config}"
if command -v pyenv >/dev/null; then
    PYENV_ROOT="$(pyenv root)"
    export PYENV_ROOT
fi
export HOME="$BUILD_DIR/home-$core"

# ansible-test bootstraps pip in each sanity venv with a script it downloads from a
# host this machine cannot reach; it first looks in its cache. Put a stand-in there.
"$ROOT/scripts/write_get_pip.sh" "$HOME/.ansible/test/cache" "$ANSIBLE_TEST"

python3 "$ROOT/scripts/copy_tree.py" "$DEST" >/dev/null
cd "$DEST"
git init -q .
# Nothing is committed: ansible-test's git source lists tracked and untracked
# (not ignored) files alike. A user identity is set so git never asks for one.
git config user.email sanity@localhost
git config user.name sanity

echo "ansible-test $core sanity in $DEST"
exec "$ANSIBLE_TEST" sanity --python "$PY_VERSION" --color no "$@"
