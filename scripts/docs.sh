#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Check the docs' cross references, then render the module reference (RST) from the
# plugins' DOCUMENTATION/EXAMPLES/RETURN into docs/modules/ (committed), or into DEST.
# The rendering is deterministic: tests/docs/test_docs_reference.py renders into a
# temporary DEST and fails when docs/modules/ differs (run `make docs` and commit the result).
#
# Usage: scripts/docs.sh [DEST]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
DEST="${1:-$ROOT/docs/modules}"

command -v antsibull-docs >/dev/null || { echo "antsibull-docs not found: run 'make docs' (it uses .venv)" >&2; exit 2; }

# antsibull-docs finds the collection through ANSIBLE_COLLECTIONS_PATH.
TREE="$BUILD_DIR/docs-src"
python3 "$ROOT/scripts/copy_tree.py" "$TREE/ansible_collections/testpress/lms" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$TREE"

(cd "$TREE/ansible_collections/testpress/lms" && antsibull-docs lint-collection-docs --plugin-docs .)

# Only the RST files antsibull-docs writes are replaced, so the page of a removed plugin goes too.
mkdir -p "$DEST"
find "$DEST" -maxdepth 1 -type f -name '*.rst' -delete
antsibull-docs collection --use-current --squash-hierarchy --dest-dir "$DEST" testpress.lms
echo "module reference written to $DEST (index.rst)"
