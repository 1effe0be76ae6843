import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class _Receiver(BaseHTTPRequestHandler):
    """Answers with the queued `codes` first, then 204; records every request.

    Every answer carries `server.body` and `server.headers_out`, so a test can check
    that nothing of the answer but its status ends up stored or shown."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        code = self.server.codes.pop(0) if self.server.codes else 204
        self.send_response(code)
        for name, value in self.server.headers_out.items():
            self.send_header(name, value)
        payload = self.server.body if code != 204 else b""
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def allow_private(settings):
    """The operator's WEBHOOK_ALLOW_PRIVATE and a DEBUG-like plain-http allowance: the
    receiver runs on loopback without TLS."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_ALLOW_HTTP = True


@pytest.fixture
def receiver(allow_private):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.codes, server.body, server.headers_out = [], [], b"", {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
