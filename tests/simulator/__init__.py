# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Testpress Admin API simulator, for tests and demos only.

A real HTTP server on 127.0.0.1 that answers the calls the collection makes (docs/api-behaviour.md)
the way Django REST framework does, with the API's surprises: states read back as names, two
date formats, substring searches, pages of 20, deletes under v2.2, trimmed text. Standard library
and PyYAML; `cryptography` (which ansible-core installs) for the HTTPS mode only.

In process::

    sim = Simulator()            # loads seed.yml next to this file
    sim.start()                  # sim.url -> "http://127.0.0.1:41234"
    sim.add_user("ann", batches=["UPSC"])
    sim.inject(502, method="POST", path="/api/v2.5/admin/users/", apply=True)
    sim.inject(drop=True, method="POST", apply=True)      # created, then the connection dropped
    sim.inject(answer="endless", path="/api/v2.5/admin/users/", times=None)
    ...
    sim.stop()

From a shell::

    python tests/simulator --port 8765 [--tls]

The modules, one concern each: `tables` (limits, codes, messages, value parsers), `state` (the
institute's data and writes), `routes` (the API's calls), `faults` (injected and periodic faults),
`control` (the `/_sim/` routes), `httpd` (the HTTP server), `simulator` (the `Simulator` that ties
them together) and `cli` (the command line). README.md in this directory describes the behaviour.
"""

from __future__ import annotations

from .simulator import Simulator

__all__ = ["Simulator"]
