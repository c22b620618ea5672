# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test harness: what every test directory shares.

- ``playbook``: ``run_playbook`` and the other fixtures that run the real ansible-playbook against the simulator
  (tests/conftest.py offers them to every test directory).
- ``processes``: the processes of a test session, killed as a tree, and those left behind.
- ``awx_credential``: the AWX credential type of docs/awx, rendered as AWX renders it.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The simulator's admin (tests/simulator/seed.yml).
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-pass"
