"""A private certificate authority and a server certificate for 127.0.0.1/localhost
(and "emulator", the service name in docker-compose.yml's demo profile)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HOSTS = ("localhost", "emulator")
ADDRESSES = ("127.0.0.1", "::1")


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def ca_ensure(directory: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server-key.pem), created once and reused while valid."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = (directory / n for n in ("ca.pem", "server.pem",
                                                            "server-key.pem"))
    if not (ca_path.exists() and cert_path.exists() and key_path.exists()) or _expiring(
            cert_path) or not _covers_hosts(cert_path):
        _write_all(ca_path, cert_path, key_path)
    return ca_path, cert_path, key_path


def _expiring(cert_path: Path) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.not_valid_after_utc < datetime.now(tz=UTC) + timedelta(days=7)


def _covers_hosts(cert_path: Path) -> bool:
    """A certificate made before a host name was added is replaced, not kept."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(HOSTS) <= set(names.get_values_for_type(x509.DNSName))


def _write_all(ca_path: Path, cert_path: Path, key_path: Path) -> None:
    now = datetime.now(tz=UTC) - timedelta(minutes=5)
    ca_key, server_key = _key(), _key()
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("SMTP AUTH Readiness emulator CA"))
        .issuer_name(_name("SMTP AUTH Readiness emulator CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                     False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    names = [x509.DNSName(h) for h in HOSTS] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in ADDRESSES]
    server_cert = (
        x509.CertificateBuilder().subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject).public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(_pem_key(server_key))
    key_path.chmod(0o600)
