# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP(S) server: sockets, threads, TLS certificates and the wire format of an answer.

`HttpServing` is a mixin of `Simulator` (start, stop, url); `_Handler` reads a request and hands it to
`Simulator._handle` (API calls) or `Simulator._control` (`/_sim/`).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .faults import DROPPED, Cut, Drip


def make_certificates(directory):
    """A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost; returns the
    paths of the CA certificate (what clients trust), the server certificate and its key."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel  # only the HTTPS mode needs it
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # pylint: disable=import-outside-toplevel

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Testpress simulator test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])).issuer_name(ca_name)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=7))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = [Path(directory, name) for name in ("ca.pem", "server.pem", "server.key")]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return tuple(str(path) for path in paths)


class HttpServing:
    """Serving the simulator on a port, over HTTP or (with `tls`) HTTPS."""

    def start(self, host="127.0.0.1", port=0):
        handler = type("SimHandler", (_Handler,), {"sim": self})
        self._server = _Server((host, port), handler)
        if self.tls:
            self._cert_dir = tempfile.mkdtemp(prefix="testpress-sim-tls-")
            self.cert_path, cert, key = make_certificates(self._cert_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self._server.ssl_context = context
        self._thread = threading.Thread(target=self._server.serve_forever, name="testpress-simulator", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self):
        if self._server is None:
            return None
        host, port = self._server.server_address[:2]
        return "%s://%s:%d" % (self._scheme, host, port)

    @property
    def _scheme(self):
        return "https" if self.tls else "http"

    def stop(self):
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._server = None
        if self._cert_dir:
            shutil.rmtree(self._cert_dir, ignore_errors=True)
            self._cert_dir = self.cert_path = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc):
        self.stop()


class _Server(ThreadingHTTPServer):
    """The HTTP server; with `ssl_context` set, each connection does its TLS handshake in its own thread."""

    daemon_threads = True
    ssl_context = None

    def handle_error(self, request, client_address):
        # A client killed mid-request (the crash tests) resets its connection: not the server's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            request = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError:
            # A client that does not trust the certificate hangs up in the handshake: not our error.
            return
        try:
            super().finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "TestpressSimulator/1.0"
    sim = None  # set on the subclass made by Simulator.start()

    def setup(self):
        super().setup()
        with self.sim._lock:
            self.sim._connections.add(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            with self.sim._lock:
                self.sim._connections.discard(self.connection)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # noqa: A002 - stdlib signature
        if self.sim.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, body, headers=None, content_type="application/json"):
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data) * 2 if isinstance(body, Cut) else len(data)))
        self.end_headers()
        if isinstance(body, Drip):
            for index in range(len(data)):
                self.wfile.write(data[index:index + 1])
                self.wfile.flush()
                time.sleep(body.interval)
        elif data and status != 204:
            self.wfile.write(data)
        if isinstance(body, Cut):
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self):
        parts = urlsplit(self.path)
        path = parts.path
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        raw = self._read_body()
        if path.startswith("/_sim/"):
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            status, payload = self.sim._control(self.command, path, body)
            self._send(status, payload)
            return
        result = self.sim._handle(self.command, path, pairs, raw, self.headers, self.headers.get("Host"), self.client_address[0])
        if result is DROPPED:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self._send(*result)
        except OSError:
            # The client gave up first (its timeout, or a body it would not read whole), or stop() closed it.
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch
