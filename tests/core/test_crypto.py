from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from readiness.connectors.models import TenantConnection
from readiness.core import crypto
from readiness.notifications.models import Webhook
from readiness.tenancy.models import AuditEvent
from tests.factories import WebhookFactory

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def connections(tenant_a, tenant_b):
    with override_settings(READINESS_ENCRYPTION_KEY=OLD):
        a = TenantConnection(tenant=tenant_a)
        a.set_client_secret("secret-a")
        a.save()
        b = TenantConnection(tenant=tenant_b)
        b.set_certificate(private_key_pem="PEM-B")
        b.save()
        WebhookFactory(tenant=tenant_a, secret_encrypted=crypto.encrypt("hook-secret-a"))
    return a, b


def test_it_round_trips_and_leaves_empty_values_empty(settings):
    settings.READINESS_ENCRYPTION_KEY = OLD
    token = crypto.encrypt("hello")
    assert token != "hello" and crypto.decrypt(token) == "hello"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_it_refuses_a_token_made_with_another_key(settings):
    settings.READINESS_ENCRYPTION_KEY = OLD
    token = crypto.encrypt("hello")
    settings.READINESS_ENCRYPTION_KEY = NEW
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(token)


def test_the_registry_lists_the_webhook_secret():
    assert crypto.encrypted_fields_for(Webhook) == ["secret_encrypted"]


def test_the_registry_lists_connector_secrets_and_takes_more():
    assert crypto.encrypted_fields_for(TenantConnection) == [
        "client_secret_encrypted", "certificate_key_encrypted"]
    crypto.register_encrypted_fields("connectors.TenantConnection", ["client_secret_encrypted"])
    assert crypto.encrypted_fields_for(TenantConnection).count("client_secret_encrypted") == 1


@pytest.mark.django_db
def test_rotation_re_encrypts_every_registered_field_with_the_new_key(connections, settings):
    settings.READINESS_ENCRYPTION_KEY = OLD
    a, b = connections
    call_command("rotate_encryption_key", f"--new-key={NEW}")
    a.refresh_from_db()
    b.refresh_from_db()
    settings.READINESS_ENCRYPTION_KEY = NEW  # the new key alone reads everything
    assert crypto.decrypt(a.client_secret_encrypted) == "secret-a"
    assert crypto.decrypt(b.certificate_key_encrypted) == "PEM-B"
    assert crypto.decrypt(Webhook.objects.get().secret_encrypted) == "hook-secret-a"
    event = AuditEvent.objects.get(action="encryption_key.rotated")
    assert event.source == "cli" and NEW not in str(event.after)


@pytest.mark.django_db
def test_rotation_is_all_or_nothing_when_one_value_is_unreadable(connections, settings,
                                                                  tenant_b):
    settings.READINESS_ENCRYPTION_KEY = OLD
    a, b = connections
    foreign = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    TenantConnection.objects.filter(pk=b.pk).update(certificate_key_encrypted=foreign)
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_key", f"--new-key={NEW}")
    a.refresh_from_db()
    assert crypto.decrypt(a.client_secret_encrypted) == "secret-a"  # still the old key
    settings.READINESS_ENCRYPTION_KEY = NEW
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(a.client_secret_encrypted)


@pytest.mark.django_db
def test_rotation_explains_the_env_update(connections, settings, capsys):
    settings.READINESS_ENCRYPTION_KEY = OLD
    call_command("rotate_encryption_key", f"--new-key={NEW}")
    out = capsys.readouterr().out
    assert f"READINESS_ENCRYPTION_KEY={NEW},{OLD}" in out
    assert "connectors.TenantConnection: 2 row(s)" in out
    assert "notifications.Webhook: 1 row(s)" in out


@pytest.mark.django_db
def test_rotation_refuses_a_malformed_key(settings):
    settings.READINESS_ENCRYPTION_KEY = OLD
    with pytest.raises(CommandError, match="Fernet key"):
        call_command("rotate_encryption_key", "--new-key=not-a-key")


@pytest.mark.django_db
def test_generated_keys_update_the_development_key_file(connections, settings, tmp_path):
    settings.READINESS_ENCRYPTION_KEY = ""
    settings.DATA_DIR = tmp_path
    (tmp_path / "encryption_key").write_text(OLD)
    a, _ = connections
    call_command("rotate_encryption_key", "--generate")
    keys = (tmp_path / "encryption_key").read_text().split(",")
    assert len(keys) == 2 and keys[1] == OLD
    a.refresh_from_db()
    assert crypto.decrypt(a.client_secret_encrypted) == "secret-a"
