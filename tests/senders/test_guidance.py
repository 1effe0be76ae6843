import pytest

from readiness.senders import guidance
from readiness.senders.choices import MigrationPath


@pytest.mark.parametrize(("raw", "quoted"), [
    ("printer@a.example", "'printer@a.example'"),
    ("o'brien@a.example", "'o''brien@a.example'"),
    ("o\u2019brien@a.example", "'o\u2019\u2019brien@a.example'"),
    ("x'; Remove-Mailbox -Identity boss; '@a.example",
     "'x''; Remove-Mailbox -Identity boss; ''@a.example'"),
    ("line\nbreak@a.example", "'linebreak@a.example'"),
])
def test_addresses_are_single_quoted_safely_for_powershell(raw, quoted):
    assert guidance.ps_quote(raw) == quoted


def test_every_path_has_guidance_with_a_summary():
    for path in MigrationPath.values:
        assert guidance.guidance_for(path).summary


def test_a_moved_sender_gets_the_smtp_auth_off_command_with_the_oauth_warning():
    [script] = guidance.mailbox_scripts(MigrationPath.HVE, "scan@a.example")
    assert script.code == ("Set-CASMailbox -Identity 'scan@a.example' "
                           "-SmtpClientAuthenticationDisabled $true")
    assert "breaks senders that use OAuth SMTP" in script.warning


def test_an_oauth_smtp_sender_keeps_smtp_auth_on():
    [script] = guidance.mailbox_scripts(MigrationPath.OAUTH_SMTP, "app@a.example")
    assert script.code.endswith("-SmtpClientAuthenticationDisabled $false")
    settings = dict(guidance.guidance_for(MigrationPath.OAUTH_SMTP).settings)
    assert (settings["Host"], settings["Port"], settings["TLS"]) == (
        "smtp.office365.com", "587", "STARTTLS")


def test_an_exception_keeps_smtp_auth_and_basic_through_a_policy():
    scripts = guidance.mailbox_scripts(MigrationPath.EXCEPTION, "old@a.example")
    codes = "\n".join(s.code for s in scripts)
    assert "-SmtpClientAuthenticationDisabled $false" in codes
    assert "New-AuthenticationPolicy -Name 'Allow Basic SMTP (temporary)' -AllowBasicAuthSmtp" \
        in codes
    assert "Set-User -Identity 'old@a.example' -AuthenticationPolicy" in codes


def test_the_relay_hosts_are_the_documented_ones():
    hosts = {p: dict(guidance.guidance_for(p).settings).get("Host") for p in (
        MigrationPath.HVE, MigrationPath.ACS_EMAIL)}
    assert hosts == {MigrationPath.HVE: "smtp.hve.mx.microsoft",
                     MigrationPath.ACS_EMAIL: "smtp.azurecomm.net"}
    assert dict(guidance.guidance_for(MigrationPath.CONNECTOR_RELAY).settings)["Port"] == "25"
