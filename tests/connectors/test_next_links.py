"""A next-page link is followed only to the service that was asked: the bearer token
travels with the next request, so a hostile or broken answer pointing elsewhere must
not hand a tenant's token to a stranger. Real HTTP servers on loopback, real msal
tokens from the emulator."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from readiness.connectors.errors import ConnectorError
from readiness.connectors.exchange import ExchangeClient
from readiness.connectors.graph import GraphClient


class Server:
    """A loopback HTTP server answering every GET/POST with `body(url)`; records requests."""

    def __init__(self, body):
        self.requests: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                owner.requests.append((self.path, self.headers.get("Authorization", "")))
                data = json.dumps(body(owner.url)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    started = []

    def start(body):
        started.append(Server(body))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_graph_does_not_follow_a_next_link_to_another_host(demo, m365, servers,
                                                          fast_retry, limiter):
    _, tenant = demo("kovar-tisk")
    stranger = servers(lambda url: {"value": []})
    graph = servers(lambda url: {"value": [{"id": "1"}],
                                 "@odata.nextLink": f"{stranger.url}/v1.0/users?page=2"})
    client = GraphClient(connection=tenant.connection, retry=fast_retry, limiter=limiter)
    client.base = graph.url  # the service asked (tokens still come from the emulator)
    pages = client.pages(f"{client.base}/v1.0/users")
    assert next(pages) == [{"id": "1"}]
    with pytest.raises(ConnectorError, match="another host"):
        next(pages)
    assert graph.requests[0][1].startswith("Bearer ")  # the token went to the service
    assert stranger.requests == []                      # and nowhere else


def test_graph_follows_a_next_link_on_its_own_host(demo, m365, servers, fast_retry,
                                                   limiter):
    _, tenant = demo("kovar-tisk")
    graph = servers(lambda url: {"value": [{"id": "1"}]} if len(graph.requests) > 1 else
                    {"value": [{"id": "0"}], "@odata.nextLink": f"{url}/v1.0/users?page=2"})
    client = GraphClient(connection=tenant.connection, retry=fast_retry, limiter=limiter)
    client.base = graph.url  # the service asked (tokens still come from the emulator)
    assert list(client.pages(f"{client.base}/v1.0/users")) == [[{"id": "0"}], [{"id": "1"}]]


def test_exchange_does_not_follow_a_next_link_to_another_host(demo, m365, servers,
                                                             fast_retry):
    _, tenant = demo("kovar-tisk")
    stranger = servers(lambda url: {"value": []})
    exchange = servers(lambda url: {"value": [{"Name": "a"}],
                                    "@odata.nextLink": f"{stranger.url}/adminapi/next"})
    client = ExchangeClient(connection=tenant.connection, retry=fast_retry)
    client.url = f"{exchange.url}/adminapi/beta/{tenant.connection.directory_id}/InvokeCommand"
    with pytest.raises(ConnectorError, match="another host"):
        client.invoke("Get-EXOMailbox")
    assert len(exchange.requests) == 1 and stranger.requests == []
