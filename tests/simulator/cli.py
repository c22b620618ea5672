# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line: `python tests/simulator --port 8765` serves until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import signal
import threading

from .simulator import Simulator
from .tables import DEFAULT_SEED, EMBEDDED_BATCHES_LIMIT


def main(argv=None):
    parser = argparse.ArgumentParser(description="Testpress Admin API simulator (tests and demos only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="seed YAML file (default: %(default)s)")
    parser.add_argument("--state-format", choices=("name", "code"), default=None)
    parser.add_argument("--date-format", choices=("dmy", "iso"), default=None)
    parser.add_argument("--embedded-batches-limit", type=int, default=EMBEDDED_BATCHES_LIMIT,
                        help="most batches the users list embeds per user (default: %(default)s)")
    parser.add_argument("--throttle-rate", default=None, metavar="RATE",
                        help="at most RATE calls per account, as DRF's throttle: 30/s, 100/m, 1000/h (default: none)")
    parser.add_argument("--bare-429", action="store_true", help="a throttled call gets 429 without Retry-After")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA; prints the CA certificate's path")
    parser.add_argument("--verbose", action="store_true", help="print an access log on stderr")
    args = parser.parse_args(argv)

    try:
        sim = Simulator(args.seed, verbose=args.verbose, state_format=args.state_format, date_format=args.date_format,
                        tls=args.tls, embedded_batches_limit=args.embedded_batches_limit, throttle_rate=args.throttle_rate,
                        throttle_retry_after=not args.bare_429)
    except ValueError as err:
        parser.error(str(err))
    sim.start(args.host, args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("simulator listening on %s" % sim.url, flush=True)
    if sim.tls:
        print("CA certificate: %s" % sim.cert_path, flush=True)
    while not stop.wait(0.5):
        pass
    sim.stop()
    return 0
