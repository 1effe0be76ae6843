"""MSP onboarding against the real emulator (HTTPS, msal): the shared app, add by
domain, the admin-consent round trip and its callback's refusals, the checklist."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse

from readiness.connectors import tokens
from readiness.connectors.choices import Consent, Stage
from readiness.connectors.models import MspApp, TenantConnection
from readiness.connectors.onboarding import (
    NewCustomer,
    consent_link,
    customer_add,
    directory_discover,
    msp_app_save,
)
from readiness.connectors.selectors import tenant_onboarding
from readiness.connectors.tokens import token_acquire, token_claims
from readiness.demo.emulator.state import MSP_CLIENT_ID, MSP_CLIENT_SECRET
from readiness.ingestion.services import ingest_run
from readiness.ingestion.tasks import ingest_tenant
from readiness.tenancy.models import AuditEvent, Tenant

CALLBACK = "http://testserver/onboarding/consent/callback/"


@pytest.fixture
def msp_app(m365, db):
    return msp_app_save(client_id=MSP_CLIENT_ID, client_secret=MSP_CLIENT_SECRET)


@pytest.fixture
def universe(m365):
    return {t.slug: t for t in m365.state.tenants.values()}


def admin_consents(m365, link: str, decision: str = "accept") -> dict:
    """The customer's Global Administrator opens the link and decides; returns the query
    Microsoft (the emulator) redirects back to the callback with."""
    page = requests.get(link, verify=str(m365.ca), timeout=10)
    assert page.status_code == 200 and "Permissions requested" in page.text
    query = parse_qs(urlsplit(link).query)
    answer = requests.post(link.split("?")[0], verify=str(m365.ca), timeout=10,
                           allow_redirects=False,
                           data={"client_id": query["client_id"][0], "decision": decision,
                                 "redirect_uri": query["redirect_uri"][0],
                                 "state": query["state"][0]})
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/onboarding/consent/callback/"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def added(universe, slug="northwind") -> tuple[Tenant, TenantConnection]:
    tenant = customer_add(customer=NewCustomer(domain=universe[slug].domain))
    return tenant, TenantConnection.objects.get(tenant=tenant)


# --- The shared app -----------------------------------------------------------------


def test_msp_app_is_stored_encrypted_and_write_only(msp_app, client_for, msp_admin):
    stored = MspApp.objects.get()
    assert stored.client_id == MSP_CLIENT_ID and stored.credential_kind == "secret"
    assert MSP_CLIENT_SECRET not in stored.client_secret_encrypted
    page = client_for(msp_admin).get(reverse("connectors:msp-app"))
    assert page.status_code == 200 and MSP_CLIENT_SECRET not in page.content.decode()
    assert AuditEvent.objects.filter(action="msp_app.save").exists()


def test_msp_app_page_is_for_msp_admins_only(client_for, alice):
    assert client_for(alice).get(reverse("connectors:msp-app")).status_code == 403
    response = client_for(alice).post(reverse("connectors:msp-app"), {
        "client_id": MSP_CLIENT_ID, "client_secret": "stolen"})
    assert response.status_code == 403 and not MspApp.objects.exists()


# --- Add by domain --------------------------------------------------------------------


def test_discovery_resolves_the_directory_from_the_domain(m365, universe):
    northwind = universe["northwind"]
    assert directory_discover(domain=northwind.domain.upper()) == northwind.tenant_id
    assert ("GET", f"/{northwind.domain}/v2.0/.well-known/openid-configuration") in (
        m365.state.requests)


@pytest.mark.parametrize("domain", ["nobody-here.example", "common", "../common",
                                    "contoso.cz/../x", "a b.example", ""])
def test_unknown_or_malformed_domain_is_refused_and_nothing_created(msp_app, domain):
    with pytest.raises(ValidationError) as refused:
        customer_add(customer=NewCustomer(domain=domain))
    assert "domain" in str(refused.value) or "directory" in str(refused.value)
    assert not Tenant.objects.exists()


def test_added_customer_waits_for_consent_with_a_link(msp_app, universe):
    tenant, connection = added(universe)
    assert connection.uses_shared_app and connection.consent == Consent.WAITING
    assert connection.directory_id == universe["northwind"].tenant_id
    assert connection.client_id == "" and connection.credential_kind == "none"
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.WAITING
    link = consent_link(connection=connection, redirect_uri=CALLBACK)
    parts = urlsplit(link)
    assert parts.path == f"/{connection.directory_id}/adminconsent"
    query = parse_qs(parts.query)
    assert query["client_id"] == [MSP_CLIENT_ID] and query["redirect_uri"] == [CALLBACK]
    assert query["state"][0]


def test_same_directory_twice_is_refused(msp_app, universe):
    added(universe)
    with pytest.raises(ValidationError, match="already connected"):
        customer_add(customer=NewCustomer(domain=f"{universe['northwind'].slug}"
                                                 ".onmicrosoft.com"))
    assert Tenant.objects.count() == 1


def test_add_customer_page(msp_app, universe, client_for, msp_admin):
    client = client_for(msp_admin)
    response = client.post(reverse("connectors:customer-add"),
                           {"domain": universe["fabrikam"].domain, "tags": "team-east, gold"})
    tenant = Tenant.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "connectors:onboarding-tenant", args=[tenant.slug])
    assert sorted(tenant.tags.values_list("name", flat=True)) == ["gold", "team-east"]
    page = client.get(response["Location"]).content.decode()
    assert "adminconsent?client_id=" in page and "Waiting for consent" in page
    unknown = client.post(reverse("connectors:customer-add"), {"domain": "nobody.example"})
    assert unknown.status_code == 400
    assert "No Microsoft 365 directory answers for nobody.example" in unknown.content.decode()
    assert Tenant.objects.count() == 1


# --- The consent callback -------------------------------------------------------------


def test_consent_round_trip_tests_learns_and_schedules(msp_app, universe, client_for,
                                                       msp_admin, m365,
                                                       django_capture_on_commit_callbacks):
    tenant, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    assert params["admin_consent"] == "True" and params["tenant"] == connection.directory_id
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(msp_admin).get(reverse("connectors:consent-callback"), params)
    assert response.status_code == 302
    assert response["Location"] == reverse("connectors:onboarding-tenant", args=[tenant.slug])
    connection.refresh_from_db()
    tenant.refresh_from_db()
    assert connection.consent == Consent.GRANTED and connection.consent_nonce == ""
    # Graph answered: the organisation's name replaced the domain, its verified domains
    assert tenant.name == universe["northwind"].name
    assert connection.organization_name == universe["northwind"].name
    assert universe["northwind"].domain in connection.verified_domains
    assert not any(d.startswith("pending.") for d in connection.verified_domains)
    # Consent never assigns the directory role: the checklist says so, with the command
    checks = {c["key"]: c["status"] for c in connection.permissions["checks"]}
    assert checks["graph_token"] == "ok" and checks["exchange_role"] == "missing"
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.ROLE_MISSING
    page = client_for(msp_admin).get(response["Location"]).content.decode()
    assert "New-MgRoleManagementDirectoryRoleAssignment" in page and MSP_CLIENT_ID in page
    assert "f2ef992c-3afb-46b9-b7cf-a126ee74c451" in page
    assert len(queued) == 2  # the first ingest of both sources


def test_role_fixed_in_the_emulator_then_check_again_then_ready(msp_app, universe, m365,
                                                               client_for, msp_admin):
    tenant, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    client = client_for(msp_admin)
    client.get(reverse("connectors:consent-callback"), params)
    fixed = requests.post(f"{m365.base_url}/_emulator/tenants/{connection.directory_id}"
                          "/directory-role", verify=str(m365.ca), timeout=10)
    assert fixed.status_code == 200 and "Global Reader: assigned" in fixed.text
    client.post(reverse("connectors:onboarding-tenant", args=[tenant.slug]),
                {"action": "check"})
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.FIRST_INGEST
    for source in ("signins", "exchange"):
        assert ingest_run(tenant=tenant, source=source).status == "ok"
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.READY


def test_forged_state_is_refused(msp_app, universe, client, m365):
    _, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    for forged in (params["state"][:-2] + "xx", "", "not-a-state",
                   params["state"].replace(params["state"][5], "A" if params["state"][5] != "A"
                                           else "B", 1)):
        response = client.get(reverse("connectors:consent-callback"),
                              {**params, "state": forged})
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    connection.refresh_from_db()
    assert connection.consent == Consent.WAITING and connection.consent_nonce


def test_replayed_state_is_refused(msp_app, universe, client, m365):
    _, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    assert client.get(reverse("connectors:consent-callback"), params).status_code == 200
    # the first use revoked nothing Microsoft-side; then someone replays the callback
    TenantConnection.objects.filter(pk=connection.pk).update(consent=Consent.DENIED)
    replay = client.get(reverse("connectors:consent-callback"), params)
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    connection.refresh_from_db()
    assert connection.consent == Consent.DENIED  # the replay changed nothing


def test_superseded_link_is_refused(msp_app, universe, client, m365, client_for, msp_admin):
    tenant, connection = added(universe)
    old = consent_link(connection=connection, redirect_uri=CALLBACK)
    client_for(msp_admin).post(reverse("connectors:onboarding-tenant", args=[tenant.slug]),
                               {"action": "resend"})
    params = admin_consents(m365, old)
    client.logout()
    assert client.get(reverse("connectors:consent-callback"), params).status_code == 400
    connection.refresh_from_db()
    assert connection.consent == Consent.WAITING


def test_consent_from_another_directory_is_refused(msp_app, universe, client, m365):
    _, connection = added(universe)
    other = universe["fabrikam"].tenant_id
    link = consent_link(connection=connection, redirect_uri=CALLBACK)
    # The admin signs in to another tenant: Microsoft reports that directory back.
    params = admin_consents(m365, link.replace(f"/{connection.directory_id}/", f"/{other}/"))
    assert params["tenant"] == other
    response = client.get(reverse("connectors:consent-callback"), params)
    assert response.status_code == 400 and other in response.content.decode()
    connection.refresh_from_db()
    assert connection.consent == Consent.WAITING and connection.consent_nonce == ""
    assert connection.consent_message.startswith(f"Consent came back from directory {other}")
    # and the state bound to this tenant cannot be reused to try again
    params["tenant"] = connection.directory_id
    assert client.get(reverse("connectors:consent-callback"), params).status_code == 400


def test_state_of_one_tenant_cannot_consent_another(msp_app, universe, client, m365):
    _, first = added(universe, "northwind")
    _, second = added(universe, "fabrikam")
    params = admin_consents(m365, consent_link(connection=first, redirect_uri=CALLBACK))
    params["tenant"] = second.directory_id  # claims the other customer's directory
    assert client.get(reverse("connectors:consent-callback"), params).status_code == 400
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.consent == second.consent == Consent.WAITING


@pytest.mark.parametrize("decision", ["cancel", "not-admin"])
def test_denied_or_cancelled_consent_is_recorded(msp_app, universe, client, m365, decision):
    tenant, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK),
                            decision=decision)
    assert params["error"] == "access_denied"
    response = client.get(reverse("connectors:consent-callback"), params)
    assert response.status_code == 200 and "Consent was not given" in response.content.decode()
    connection.refresh_from_db()
    assert connection.consent == Consent.DENIED
    assert connection.consent_message.startswith(("AADSTS65004", "AADSTS90094"))
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.WAITING


def test_anonymous_callback_shows_nothing_about_the_tenant(msp_app, universe, client, m365):
    tenant, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    body = client.get(reverse("connectors:consent-callback"), params).content.decode()
    assert "Consent is recorded" in body
    assert connection.directory_id not in body and tenant.slug not in body


# --- Token rules with the shared app -------------------------------------------------


def _consented(m365, universe, slug, client) -> TenantConnection:
    _, connection = added(universe, slug)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    client.get(reverse("connectors:consent-callback"), params)
    connection.refresh_from_db()
    return connection


def test_shared_app_tokens_are_per_directory_and_never_reused(msp_app, universe, m365,
                                                             client):
    north = _consented(m365, universe, "northwind", client)
    fab = _consented(m365, universe, "fabrikam", client)
    tokens.apps_forget()
    a, b = (token_acquire(connection=c, resource="graph") for c in (north, fab))
    assert token_claims(a)["tid"] == north.directory_id
    assert token_claims(b)["tid"] == fab.directory_id
    assert token_claims(a)["appid"] == token_claims(b)["appid"] == MSP_CLIENT_ID
    # one msal app (one cache) per connection, each against its own directory
    keys = [k for k in tokens._APPS if k[0] in (north.pk, fab.pk)]
    assert sorted(k[0] for k in keys) == sorted([north.pk, fab.pk])
    assert {k[2].rsplit("/", 1)[1] for k in keys} == {north.directory_id, fab.directory_id}


def test_shared_app_without_consent_in_that_directory_gets_no_token(msp_app, universe, m365,
                                                                    client):
    _consented(m365, universe, "northwind", client)
    _, waiting = added(universe, "fabrikam")
    # Even forced to "granted", the directory never consented: Microsoft refuses.
    TenantConnection.objects.filter(pk=waiting.pk).update(consent=Consent.GRANTED)
    waiting.refresh_from_db()
    with pytest.raises(tokens.TokenError, match="AADSTS700016"):
        token_acquire(connection=waiting, resource="graph")


def test_shared_token_for_another_directory_is_refused(msp_app, universe, m365, client):
    north = _consented(m365, universe, "northwind", client)
    m365.state.token_tid[north.directory_id.lower()] = universe["fabrikam"].tenant_id
    tokens.app_forget(north)  # the callback's test cached a good token; ask again
    with pytest.raises(tokens.TokenError, match="not for this connection's directory"):
        token_acquire(connection=north, resource="graph")


def test_connection_page_says_which_app(msp_app, universe, client_for, msp_admin, demo):
    tenant, _ = added(universe)
    _, own = demo("kovar-tisk")
    client = client_for(msp_admin)
    shared_page = client.get(reverse("connectors:connection", args=[tenant.slug]))
    assert "shared multi-tenant app" in shared_page.content.decode()
    own_page = client.get(reverse("connectors:connection", args=[own.slug]))
    assert "own app registration" in own_page.content.decode()


def test_django_admin_offers_no_directory_id(client_for, msp_admin):
    import re

    page = client_for(msp_admin).get("/admin/tenancy/tenant/add/").content.decode()
    guid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    assert guid.search(page) is None
    again = client_for(msp_admin).get("/admin/tenancy/tenant/add/").content.decode()
    assert page.count("directory") == again.count("directory") == 0


# --- Command line ---------------------------------------------------------------------


def _cli(*args, stdin=None):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    call_command(*args, stdout=out, stderr=err, **extra)
    return out.getvalue(), err.getvalue()


def test_cli_msp_app_reads_the_secret_from_stdin(db):
    import io

    out, _ = _cli("msp_app", "--client-id", MSP_CLIENT_ID, "--client-secret-stdin",
                  stdin=io.StringIO(MSP_CLIENT_SECRET + "\n"))
    assert "Stored the MSP app" in out and MSP_CLIENT_SECRET not in out
    assert MspApp.objects.get().credential_kind == "secret"


def test_cli_msp_app_takes_a_certificate(db, tmp_path):
    from django.core.management.base import CommandError

    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    cert.write_text("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
    _cli("msp_app", "--client-id", MSP_CLIENT_ID, "--certificate-key", str(key),
         "--certificate", str(cert))
    assert MspApp.objects.get().credential_kind == "certificate"
    with pytest.raises(CommandError):
        _cli("msp_app", "--client-id", MSP_CLIENT_ID, "--client-secret", "oops")


def test_cli_onboard_prints_the_directory_and_the_link(msp_app, universe):
    out, _ = _cli("tenants", "onboard", "--domain", universe["adatum"].domain,
                  "--name", "Adatum", "--tag", "team-east", "--tag", "gold")
    slug, directory, link = out.strip().split("\t")
    assert directory == universe["adatum"].tenant_id
    assert f"/{directory}/adminconsent?client_id={MSP_CLIENT_ID}" in link
    tenant = Tenant.objects.get(slug=slug)
    assert tenant.name == "Adatum" and tenant.connection.consent == Consent.WAITING
    assert sorted(tenant.tags.values_list("name", flat=True)) == ["gold", "team-east"]


def test_cli_onboard_unknown_domain_exits_2_and_creates_nothing(msp_app):
    with pytest.raises(SystemExit) as exited:
        _cli("tenants", "onboard", "--domain", "nobody-here.example")
    assert exited.value.code == 2
    assert not Tenant.objects.exists()


def test_cli_onboard_csv_fifty_domains(msp_app, tmp_path):
    rows = ["domain,name,tags"] + [f"customer{n:03}.example,Customer {n},bulk"
                                   for n in range(1, 51)]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    out, _ = _cli("tenants", "onboard", "--csv", str(tmp_path / "c.csv"))
    assert len(out.strip().splitlines()) == 50
    assert TenantConnection.objects.filter(consent=Consent.WAITING).count() == 50


def test_cli_onboard_csv_bad_line_rejects_the_file(msp_app, tmp_path, capsys):
    rows = ["domain,name"] + [f"customer{n:03}.example,C{n}" for n in range(1, 11)]
    rows[7] = "nobody-here.example,Bad"  # line 8 of the file
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    import io

    from django.core.management import call_command

    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("tenants", "onboard", "--csv", str(tmp_path / "c.csv"),
                     stdout=io.StringIO(), stderr=err)
    assert exited.value.code == 2
    assert "line 8" in err.getvalue() and "nobody-here.example" in err.getvalue()
    assert not Tenant.objects.exists()


# --- Bulk upload, board, tags ------------------------------------------------------


def _csv_upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("customers.csv", text.encode(), content_type="text/csv")


def test_bulk_upload_fifty_domains_creates_fifty_waiting(msp_app, client_for, msp_admin):
    text = "domain,name,tags\n" + "".join(f"customer{n:03}.example,,team-{n % 2}\n"
                                          for n in range(1, 51))
    client = client_for(msp_admin)
    response = client.post(reverse("connectors:customer-add"), {"file": _csv_upload(text)})
    assert response.status_code == 302
    assert TenantConnection.objects.filter(consent=Consent.WAITING).count() == 50
    board = client.get(reverse("connectors:onboarding"), {"stage": "waiting",
                                                           "tag": "team-1"})
    assert board.content.decode().count('data-stage="waiting"') == 25


def test_bulk_upload_bad_line_rejects_the_whole_file(msp_app, client_for, msp_admin):
    text = ("domain,name\ncustomer001.example,A\ncustomer002.example,B\n"
            "not a domain,C\ncustomer004.example,D\n")
    response = client_for(msp_admin).post(reverse("connectors:customer-add"),
                                          {"file": _csv_upload(text)})
    assert response.status_code == 400
    assert "line 4" in response.content.decode()
    assert not Tenant.objects.exists()


def test_bulk_upload_bad_tag_names_its_line(msp_app, client_for, msp_admin):
    text = "domain,tags\ncustomer001.example,ok\ncustomer002.example,<script>\n"
    response = client_for(msp_admin).post(reverse("connectors:customer-add"),
                                          {"file": _csv_upload(text)})
    body = response.content.decode()
    assert response.status_code == 400 and "line 3" in body and "<script>" not in body
    assert not Tenant.objects.exists()


def test_board_shows_stages_and_filters(msp_app, universe, m365, client_for, msp_admin,
                                        client):
    _consented(m365, universe, "northwind", client)
    added(universe, "fabrikam")
    board = client_for(msp_admin).get(reverse("connectors:onboarding"))
    body = board.content.decode()
    assert 'data-stage="role_missing"' in body and 'data-stage="waiting"' in body
    only = client_for(msp_admin).get(reverse("connectors:onboarding"), {"stage": "waiting"})
    assert only.content.decode().count("data-stage=\"") == 1
    assert client_for(msp_admin).get(reverse("connectors:onboarding"),
                                     {"q": "<script>"}).status_code == 200


def test_board_and_add_are_msp_only(client_for, alice, bob):
    for user in (alice, bob):
        for name in ("connectors:onboarding", "connectors:customer-add"):
            assert client_for(user).get(reverse(name)).status_code == 403


def test_portfolio_and_its_export_filter_by_tag(msp_app, client_for, msp_admin, alice,
                                                tenant_a):
    from readiness.tenancy.services import tenant_tags_replace

    east = customer_add(customer=NewCustomer(domain="customer001.example", name="East Co",
                                             tags=("team-east",)))
    customer_add(customer=NewCustomer(domain="customer002.example", name="West Co",
                                      tags=("team-west",)))
    tenant_tags_replace(tenant=tenant_a, tags=["team-east", "secret-tier"])
    client = client_for(msp_admin)
    page = client.get(reverse("dashboards:portfolio"), {"tag": "team-east"}).content.decode()
    assert "East Co" in page and "Tenant A" in page and "West Co" not in page
    export = client.get(reverse("dashboards:portfolio"), {"tag": "team-east",
                                                          "_export": "csv"})
    body = b"".join(export.streaming_content if export.streaming else [export.content])
    assert b"East Co" in body and b"West Co" not in body and b"team-east" in body
    # a tenant manager sees only the tags of the tenants they can see
    own = client_for(alice).get(reverse("dashboards:portfolio")).content.decode()
    assert "secret-tier" in own and "team-west" not in own and east.name not in own


def test_report_only_tenant_says_what_is_unavailable(client_for, msp_admin, msp_app):
    client = client_for(msp_admin)
    response = client.post(reverse("connectors:customer-add"),
                           {"domain": "nobody-consents.example", "report_only": "on"})
    tenant = Tenant.objects.get()
    assert response.status_code == 302 and tenant.report_only
    assert not TenantConnection.objects.exists()  # no discovery, no connection
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.REPORT_ONLY
    overview = client.get(reverse("dashboards:tenant", args=[tenant.slug])).content.decode()
    assert "Unavailable: mailbox states" in overview and "and sign-ins" in overview


def test_check_again_after_a_failed_first_ingest_ingests_at_once(
        msp_app, universe, m365, client_for, msp_admin, monkeypatch,
        django_capture_on_commit_callbacks):
    """The worker runs the first ingest before the customer's admin assigned the role:
    Exchange fails and the schedule moves hours ahead. "Check again" after the fix must
    ingest now, not be skipped as "not due" (seen in CI: stuck in "first ingest")."""
    ran = []
    monkeypatch.setattr(ingest_tenant, "delay", lambda *args: ran.append(
        (args[1], ingest_tenant.apply(args=args).get())))
    tenant, connection = added(universe)
    params = admin_consents(m365, consent_link(connection=connection, redirect_uri=CALLBACK))
    client = client_for(msp_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("connectors:consent-callback"), params)
    assert dict(ran) == {"signins": "ok", "exchange": "failed"}
    requests.post(f"{m365.base_url}/_emulator/tenants/{connection.directory_id}"
                  "/directory-role", verify=str(m365.ca), timeout=10)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("connectors:onboarding-tenant", args=[tenant.slug]),
                    {"action": "check"})
    assert ran[2:] == [("exchange", "ok")]
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.READY


def test_bulk_upload_errors_read_in_the_uploaders_language(msp_app, client_for, msp_admin):
    """The lookups run in threads; each carries the request's language with it."""
    text = "domain\ncustomer001.example\nnobody-here.example\n"
    response = client_for(msp_admin).post(reverse("connectors:customer-add"),
                                          {"file": _csv_upload(text)},
                                          HTTP_ACCEPT_LANGUAGE="cs")
    body = response.content.decode()
    assert response.status_code == 400 and "nobody-here.example" in body
    assert "No Microsoft 365 directory answers" not in body  # the English sentence
    assert not Tenant.objects.exists()


def test_bulk_upload_over_the_line_limit_is_refused_before_any_lookup(msp_app, client_for,
                                                                      msp_admin, m365):
    text = "domain\n" + "".join(f"customer{n:04}.example\n" for n in range(1, 1002))
    m365.state.requests.clear()
    response = client_for(msp_admin).post(reverse("connectors:customer-add"),
                                          {"file": _csv_upload(text)})
    assert response.status_code == 400 and "at most 1000" in response.content.decode()
    assert not m365.state.requests and not Tenant.objects.exists()


def test_board_sorts_by_stage_in_onboarding_order_and_exports_csv(msp_app, universe, m365,
                                                                 client_for, msp_admin,
                                                                 client):
    _consented(m365, universe, "northwind", client)  # role missing
    added(universe, "fabrikam")                      # waiting for consent
    customer_add(customer=NewCustomer(domain="reports.example", name="<b>Kovář</b>",
                                      tags=("gold", "east"), report_only=True))
    board = client_for(msp_admin)
    body = board.get(reverse("connectors:onboarding"), {"sort": "stage"}).content.decode()
    order = [body.index(f'data-stage="{s}"') for s in ("waiting", "role_missing",
                                                          "report_only")]
    assert order == sorted(order)  # the onboarding's order, not the labels' alphabet
    assert "<b>Kovář</b>" not in body and "&lt;b&gt;Kovář&lt;/b&gt;" in body
    export = board.get(reverse("connectors:onboarding"), {"_export": "csv", "tag": "gold"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Checklist" not in lines[1]  # the filter holds; no links
    assert "reports.example" in lines[1] and "east; gold" in lines[1]
    assert "Report-only" in lines[1]


def test_a_tenant_on_its_own_app_that_ingested_both_sources_is_ready(demo, msp_admin,
                                                                      client_for):
    """Never probed (no permission checks recorded: connected on the command line or by
    make run's seed), yet both sources succeeded: the board says Ready, not Consented."""
    from django.core.management import call_command

    _, tenant = demo("kovar-tisk")
    assert not (tenant.connection.permissions or {}).get("checks")
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.CONSENTED
    call_command("ingest", tenant=tenant.slug, source="all", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert tenant_onboarding(tenant=tenant)["stage"] == Stage.READY
    board = client_for(msp_admin).get(reverse("connectors:onboarding")).content.decode()
    assert 'data-stage="ready"' in board
