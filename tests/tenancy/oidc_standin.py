"""A tiny HTTPS OpenID Connect provider for tests: discovery, authorize and token with
PKCE (S256) verification, on 127.0.0.1 with a throwaway CA. It stands in for the shared
M365 emulator (readiness/connectors/emulator) until that is merged."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key): a CA and a cert for 127.0.0.1/localhost."""
    now = dt.datetime.now(dt.UTC)
    start, end = now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class Provider:
    """State shared with the handler: registered client, the user who "signs in"."""

    def __init__(self, *, client_id: str, client_secret: str, tid: str):
        self.client_id, self.client_secret, self.tid = client_id, client_secret, tid
        self.user = {"oid": "", "email": "", "name": ""}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.base = ""

    def id_token(self, grant: dict) -> str:
        claims = {"aud": self.client_id, "iss": f"{self.base}/{self.tid}/v2.0", "tid": self.tid,
                  "oid": self.user["oid"], "sub": _b64(self.user["oid"].encode()),
                  "preferred_username": self.user["email"], "email": self.user["email"],
                  "name": self.user["name"], "nonce": grant["nonce"],
                  "iat": int(time.time()), "exp": int(time.time()) + 3600}
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64(json.dumps(claims).encode())}.sig"


class Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, *args):  # keep test output quiet
        pass

    def _json(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        tenant = url.path.split("/")[1]
        base = f"{self.provider.base}/{tenant}"
        if url.path.endswith("/v2.0/.well-known/openid-configuration"):
            return self._json(200, {
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "issuer": f"{self.provider.base}/{{tenantid}}/v2.0",
            })
        if url.path.endswith("/oauth2/v2.0/authorize"):
            return self._authorize(parse_qs(url.query))
        return self._json(404, {"error": "not_found"})

    def _authorize(self, query):
        q = {k: v[0] for k, v in query.items()}
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return self._json(400, {"error": "invalid_request", "error_description": "PKCE"})
        code = secrets.token_urlsafe(16)
        self.provider.codes[code] = q
        self.send_response(302)
        query = urlencode({"code": code, "state": q["state"]})
        self.send_header("Location", f"{q['redirect_uri']}?{query}")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.provider.token_requests.append(form)
        grant = self.provider.codes.pop(form.get("code", ""), None)
        if form.get("client_secret") != self.provider.client_secret:
            return self._json(401, {"error": "invalid_client"})
        verifier = form.get("code_verifier", "")
        if grant is None or _b64(hashlib.sha256(verifier.encode()).digest()) != grant[
                "code_challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant"})
        client_info = _b64(json.dumps({"uid": self.provider.user["oid"],
                                       "utid": self.provider.tid}).encode())
        return self._json(200, {"token_type": "Bearer", "expires_in": 3600,
                                "access_token": secrets.token_urlsafe(24), "scope": "openid",
                                "id_token": self.provider.id_token(grant),
                                "client_info": client_info})


def serve(provider: Provider, directory: Path):
    """Start the provider over HTTPS; returns (server, ca_path). Call server.shutdown()."""
    ca, cert, key = make_tls_files(directory)
    handler = type("BoundHandler", (Handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    provider.base = f"https://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, ca
