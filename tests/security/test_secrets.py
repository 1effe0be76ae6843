"""A known secret never appears in a page, an export, the admin or the logs."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest

from readiness.connectors.models import TenantConnection
from tests.security.url_matrix import walk_pages

SECRET = "Sup3r-s3cret-client-VALUE-7x"
KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


def body_text(key: str, response) -> str:
    if key.endswith("[xlsx]"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c) for ws in book for row in ws.iter_rows(values_only=True)
                         for c in row)
    return response.content.decode(errors="replace")


@pytest.fixture
def console_log():
    """The stream of the handler configured in settings.LOGGING (filters included)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_no_page_export_or_log_line_shows_a_secret_or_its_ciphertext(world, tenant_a, tenant_b,
                                                                       console_log):
    with_secret = TenantConnection(tenant=tenant_a, directory_id="d", client_id="c")
    with_secret.set_client_secret(SECRET)
    with_secret.save()
    with_cert = TenantConnection(tenant=tenant_b, directory_id="d2", client_id="c")
    with_cert.set_certificate(private_key_pem=KEY_PEM)
    with_cert.save()
    needles = [SECRET, with_secret.client_secret_encrypted, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
               with_cert.certificate_key_encrypted]
    logging.getLogger("readiness.connectors").error(
        "token request failed: client_secret=%s key=%s", SECRET, with_secret.client_secret_encrypted
    )
    pages = 0
    for key, path, response in walk_pages(world):
        text = body_text(key, response)
        assert not [n for n in needles if n in text], f"{key} {path} shows a secret"
        pages += 1
    assert pages > 20
    logged = console_log.getvalue()
    assert "token request failed" in logged
    assert not [n for n in needles if n in logged]
