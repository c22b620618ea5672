# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`python tests/simulator [--port 8765] ...` (or `python -m tests.simulator` from the repository root)."""

import sys
from pathlib import Path

if not __package__:
    # Run as a directory: the package is importable as `simulator` from tests/.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from simulator.cli import main  # pylint: disable=import-error
else:
    from .cli import main

sys.exit(main())
