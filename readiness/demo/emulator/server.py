"""The HTTPS server: one port, three services by path prefix.

  /{tenant}/...        the login service (msal needs it at the root: /{tenant} is
                       the authority's only path segment)
  /graph/...           Microsoft Graph
  /exchange/...        the Exchange Online admin API
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from readiness.demo.emulator import consent, exchange, graph, login
from readiness.demo.emulator.faults import faults_parse
from readiness.demo.emulator.state import EmulatorState
from readiness.demo.emulator.wire import Request, Response, json_response
from readiness.demo.generator import build_universe

logger = logging.getLogger(__name__)
SERVICES = {"graph": graph.handle, "exchange": exchange.handle}


TOO_MANY = {"error": {"code": "TooManyRequests", "message": "Too many requests"}}
UNAVAILABLE = {"error": {"code": "ServiceUnavailable", "message": "Service unavailable"}}
EXPIRED = {"error": {"code": "InvalidAuthenticationToken",
                     "message": "Lifetime validation failed, the token is expired."}}


def request_key(request: Request) -> tuple:
    """What makes two requests "the same" for the once-faults: a replay has the same key."""
    return request.method, request.path, request.raw_query, request.body


def fault_response(state: EmulatorState, request: Request, service: str) -> Response | None:
    """Throttling, outages, cut-off answers, slowness and expiry, as configured."""
    faults, key = state.faults, request_key(request)
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if faults.roll("429") or faults.first("429-once", key):
        return json_response(429, TOO_MANY, **{"Retry-After": "1"})
    if faults.roll("429-no-retry-after") or faults.first("429-no-retry-after-once", key):
        return json_response(429, TOO_MANY)
    if faults.roll("503") or faults.first("503-once", key):
        return json_response(503, UNAVAILABLE, **{"Retry-After": "1"})
    if faults.first("slow-once", key):
        time.sleep(faults.slow_seconds)
        request.unread = True  # the client has given up on this one: spend no other fault
        return None
    if faults.first("reset-once", key):
        return Response(200, b'{"value": [' + b" " * 64, {"Content-Type": "application/json"},
                        reset=True)
    claims = state.verify(request.bearer()) or {}
    if claims and faults.tally("expire-once", (claims.get("tid"), service), at=2):
        if service == "exchange":
            return Response(401, b"", {"WWW-Authenticate": 'Bearer error="invalid_token", '
                                       'error_description="The access token has expired"'})
        return json_response(401, EXPIRED)
    return None


def route(state: EmulatorState, request: Request) -> Response:
    parts = request.path.strip("/").split("/")
    if parts[0] == "_emulator" and parts[1:] == ["faults"]:
        return json_response(200, {**state.faults.report(),
                                   "signins_requests": len(state.report_times),
                                   "signins_max_per_10s": state.reports_max_per(10.0)})
    if parts[0] == "_emulator":  # the emulator's own control page, not Microsoft's
        return consent.control(state, request, parts[1:])
    if parts[0] == "favicon.ico":  # a browser on the consent page asks; not a tenant
        return Response(204)
    service = SERVICES.get(parts[0])
    if service is None:
        return login.handle(state, request, parts)
    return (fault_response(state, request, parts[0])
            or service(state, request, parts[1:]))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "M365Emulator/1"
    state: EmulatorState  # set on the subclass made per server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=method, path=url.path, query=dict(parse_qsl(url.query, keep_blank_values=True)),
            raw_query=url.query, headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
            base_url=f"https://{self.headers.get('Host', 'localhost')}",
        )
        with self.state.lock:
            self.state.requests.append((method, url.path))
            if url.path.endswith("/auditLogs/signIns"):  # the rate-limited identity reports
                self.state.report_times.append(time.monotonic())
        try:
            response = route(self.state, request)
        except Exception:
            logger.exception("Emulator handler failed for %s %s", method, url.path)
            response = json_response(500, {"error": {"code": "InternalServerError",
                                                     "message": "Emulator error"}})
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.reset:  # half the body, then the connection drops (a reset mid-page)
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return
        self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:
        logger.debug("emulator: " + format, *args)


class TLSServer(ThreadingHTTPServer):
    """TLS per connection, with the handshake in the connection's own thread, so a
    client that never completes it cannot stall the accept loop."""

    daemon_threads = True
    context: ssl.SSLContext

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), address


class EmulatorServer:
    """Serve `state` over HTTPS on host:port (port 0 picks a free one)."""

    def __init__(self, state: EmulatorState, *, certfile: Path, keyfile: Path,
                 host: str = "127.0.0.1", port: int = 8443):
        handler = type("BoundHandler", (Handler,), {"state": state})
        self.httpd = TLSServer((host, port), handler)
        self.httpd.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.httpd.context.load_cert_chain(certfile, keyfile)
        self.state, self._thread = state, None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"https://{host}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True,
                                        name="m365-emulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def emulator_state_build(*, seed: int = 42, tenants: int = 3, mailboxes: int = 40,
                         days: int = 90, faults: str = "", fault_seed: int = 0,
                         graph_page_size: int = 1000,
                         exchange_page_size: int = 1000) -> EmulatorState:
    """The same universe seed_demo writes (same defaults), served over the real APIs."""
    universe = build_universe(seed=seed, tenants=tenants, mailboxes=mailboxes, days=days)
    return EmulatorState(universe, faults=faults_parse(faults, seed=fault_seed),
                         graph_page_size=graph_page_size,
                         exchange_page_size=exchange_page_size)
