#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Build the collection artifact and install it into a private collections tree:
#   .build/dist/testpress-lms-<version>.tar.gz
#   .build/collections/ansible_collections/testpress/lms
# Point ANSIBLE_COLLECTIONS_PATH at .build/collections to use it (scripts/demo.sh does).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
DIST="$BUILD_DIR/dist"
COLLECTIONS="$BUILD_DIR/collections"

rm -rf "$DIST" "$COLLECTIONS"
mkdir -p "$DIST" "$COLLECTIONS"
# Build from a copy of the files git tracks, so stray local files (.ansible/, caches, an exported roster or a
# report with students' personal data) can never end up in the artifact; galaxy.yml's build_ignore is the
# second guard, for a build run straight from a work tree. A tracked symbolic link leading out of the repository
# (or to a file git does not track) is refused: the artifact would ship what it points at.
SRC="$BUILD_DIR/src/ansible_collections/testpress/lms"
python3 "$ROOT/scripts/copy_tree.py" --tracked "$SRC" >/dev/null
ansible-galaxy collection build --force --output-path "$DIST" "$SRC" >/dev/null
artifact="$(ls "$DIST"/testpress-lms-*.tar.gz)"
# Built from the work tree: say which shipped files are not as the last commit has them.
python3 "$ROOT/scripts/shipped_changes.py" "$artifact"
ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS" ansible-galaxy collection install --offline --force -p "$COLLECTIONS" "$artifact" >/dev/null
echo "built $artifact"
echo "installed into $COLLECTIONS/ansible_collections/testpress/lms"
