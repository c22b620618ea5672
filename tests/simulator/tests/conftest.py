# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the simulator's own tests (the `simulator` fixture itself is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from sim_api import Api


@pytest.fixture
def api(simulator):
    """An admin session against the simulator."""
    return Api(simulator)
