#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The demo: start the Testpress API simulator, run playbooks/demo.yml twice
# against it with the collection as built and installed by scripts/build.sh, and
# check that the second run changes nothing (idempotence). The simulator is
# always stopped, whatever happens.
#
# Usage: scripts/demo.sh [PLAYBOOK] [extra ansible-playbook args...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
PLAYBOOK="${1:-$ROOT/playbooks/demo.yml}"
shift || true
cd "$ROOT"

for tool in ansible-playbook ansible-galaxy; do
    command -v "$tool" >/dev/null || { echo "$tool not found: run 'make demo' (it uses .venv)" >&2; exit 2; }
done
[[ -f "$PLAYBOOK" ]] || { echo "demo playbook $PLAYBOOK not found" >&2; exit 2; }
[[ -f tests/simulator/server.py ]] || { echo "tests/simulator/server.py not found" >&2; exit 2; }

"$ROOT/scripts/build.sh"

PY="$(dirname "$(command -v ansible-playbook)")/python"
[[ -x "$PY" ]] || PY=python3
PORT="${DEMO_PORT:-$(python3 "$ROOT/scripts/free_port.py")}"
LOG="$BUILD_DIR/demo"
mkdir -p "$LOG"

SIM_PID=""
stop_simulator() {
    if [[ -n "$SIM_PID" ]] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill -TERM "$SIM_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        echo "== simulator stopped"
    fi
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

"$PY" tests/simulator/server.py --host 127.0.0.1 --port "$PORT" >"$LOG/simulator.log" 2>&1 &
SIM_PID=$!
URL="http://127.0.0.1:$PORT"

# Wait until it answers (any HTTP status counts as an answer).
for i in $(seq 100); do
    if "$PY" - "$URL" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/", timeout=1)
except urllib.error.HTTPError:
    pass
PY
    if ! kill -0 "$SIM_PID" 2>/dev/null; then
        echo "the simulator exited early:" >&2; cat "$LOG/simulator.log" >&2; exit 1
    fi
    if [[ $i -eq 100 ]]; then
        echo "the simulator did not answer on $URL within 10 s" >&2; cat "$LOG/simulator.log" >&2; exit 1
    fi
    sleep 0.1
done
echo "== simulator listening on $URL (pid $SIM_PID)"

export TESTPRESS_URL="$URL" TESTPRESS_USERNAME=admin TESTPRESS_PASSWORD=admin-pass
export ANSIBLE_COLLECTIONS_PATH="$BUILD_DIR/collections"
export ANSIBLE_PYTHON_INTERPRETER="$PY"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-false}" ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}"

for run in 1 2; do
    echo "== run $run: ansible-playbook $(basename "$PLAYBOOK")"
    ansible-playbook "$PLAYBOOK" "$@" 2>&1 | tee "$LOG/run$run.out"
done

# The second run must change nothing and fail nothing.
recap="$(sed -n '/^PLAY RECAP/,$p' "$LOG/run2.out" | grep -E ' ok=[0-9]+' || true)"
if [[ -z "$recap" ]]; then
    echo "FAIL: no PLAY RECAP in the second run" >&2; exit 1
fi
if grep -qvE ' changed=0 .* failed=0 ' <<<"$recap"; then
    echo "FAIL: the second run was not idempotent:" >&2; echo "$recap" >&2; exit 1
fi
echo "== demo OK: the second run reported changed=0"
