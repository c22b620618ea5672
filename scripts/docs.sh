#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Render the module reference (RST) from the modules' DOCUMENTATION/EXAMPLES/RETURN
# into docs/modules/, after checking the docs' cross references.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
DEST="$ROOT/docs/modules"

command -v antsibull-docs >/dev/null || { echo "antsibull-docs not found: run 'make docs' (it uses .venv)" >&2; exit 2; }

# antsibull-docs finds the collection through ANSIBLE_COLLECTIONS_PATH.
TREE="$BUILD_DIR/docs-src"
python3 "$ROOT/scripts/copy_tree.py" "$TREE/ansible_collections/testpress/lms" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$TREE"

(cd "$TREE/ansible_collections/testpress/lms" && antsibull-docs lint-collection-docs --plugin-docs .)

rm -rf "$DEST"
mkdir -p "$DEST"
antsibull-docs collection --use-current --squash-hierarchy --dest-dir "$DEST" testpress.lms
echo "module reference written to docs/modules/ (index.rst)"
