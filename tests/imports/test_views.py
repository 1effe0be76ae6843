"""The upload page, preview, confirm, status endpoint, list and delete, per persona."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.tenancy.models import AuditEvent
from readiness.usage.models import DailyUsage
from tests.imports.helpers import (
    EXPORT_HEADER,
    SAMPLES,
    build_csv,
    detailed_row,
    snapshot,
    usage_of,
)

HOSTILE = '<script>alert(1)</script>"x'


def _upload(client, tenant, data: bytes, name="SmtpCSReport_x.csv"):
    return client.post(reverse("imports:upload", args=[tenant.slug]),
                       {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _sample(name="SmtpCSReport_sample.csv") -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def uploaded(tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    """alice uploads the detailed sample; the inspect task runs; returns the import."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_for(alice), tenant_a, _sample())
    assert response.status_code == 302
    return ReportImport.objects.get(tenant=tenant_a)


def test_a_manager_uploads_sees_a_preview_and_nothing_is_imported_yet(uploaded, client_for,
                                                                       alice):
    assert uploaded.status == ImportStatus.PREVIEW_READY
    assert (uploaded.format, uploaded.encoding, uploaded.rows) == ("detailed", "utf-16-le", 5)
    assert not DailyUsage.objects.exists()
    page = client_for(alice).get(reverse("imports:detail", args=["tenant-a", uploaded.pk]))
    body = page.content.decode()
    assert "utf-16-le" in body and "skener2@contoso.cz" in body and "Import these 5 rows" in body


def test_confirming_runs_the_apply_task_and_lands_the_usage(
        uploaded, tenant_a, alice, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            reverse("imports:confirm", args=["tenant-a", uploaded.pk]))
    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert uploaded.status == ImportStatus.IMPORTED and uploaded.imported_by == alice
    assert usage_of(tenant_a)[("erp@contoso.cz", "2026-11-18", "basic")] == 3
    assert AuditEvent.objects.filter(action="import.confirm", actor=alice).exists()


def test_the_status_endpoint_reports_the_progress_the_task_wrote(uploaded, client_for, victor):
    data = client_for(victor).get(
        reverse("imports:status", args=["tenant-a", uploaded.pk])).json()
    size = len(_sample())
    assert data["status"] == "preview_ready" and data["running"] is False
    assert (data["done"], data["total"], data["percent"]) == (size, size, 100)


def test_an_export_upload_asks_for_the_period_before_importing(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, tenant_a, _sample("smtp-auth-clients-export_sample.csv"), "export.csv")
    report = ReportImport.objects.get(tenant=tenant_a)
    assert "state the period" in client.get(
        reverse("imports:detail", args=["tenant-a", report.pk])).content.decode()
    confirm = reverse("imports:confirm", args=["tenant-a", report.pk])
    client.post(confirm, {})
    report.refresh_from_db()
    assert report.status == ImportStatus.PREVIEW_READY
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"period_start": "2026-11-01", "period_end": "2026-11-07"})
    report.refresh_from_db()
    assert report.status == ImportStatus.IMPORTED and report.period_stated
    assert usage_of(tenant_a)[("erp@contoso.cz", "2026-11-01", "basic")] == 183  # 1280/7


def test_a_bad_upload_is_rejected_with_line_column_and_value_and_changes_nothing(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    data = build_csv([detailed_row(1), detailed_row(2, message_count="many")])
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(alice), tenant_a, data)
    report = ReportImport.objects.get(tenant=tenant_a)
    assert report.status == ImportStatus.REJECTED
    page = client_for(alice).get(reverse("imports:detail", args=["tenant-a", report.pk]))
    body = page.content.decode()
    assert "Line 3" in body and "message_count" in body and "many" in body
    after = snapshot()
    assert (after["usage"], after["messages"], after["senders"]) == (
        before["usage"], before["messages"], before["senders"])


def test_the_preview_escapes_a_hostile_sender_and_message_id(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    data = build_csv([detailed_row(1, senderName="evil", senderDomain="x.test",
                                   message_id=HOSTILE)])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(alice), tenant_a, data, name="<img src=x onerror=alert(2)>.csv")
    report = ReportImport.objects.get(tenant=tenant_a)
    body = client_for(alice).get(
        reverse("imports:detail", args=["tenant-a", report.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x onerror=alert(2)>" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;.csv" in body


def test_a_hostile_value_in_an_error_is_escaped(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    data = build_csv([detailed_row(1, message_count="<img src=x onerror=alert(1)>")])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_for(alice), tenant_a, data)
    report = ReportImport.objects.get(tenant=tenant_a)
    body = client_for(alice).get(
        reverse("imports:detail", args=["tenant-a", report.pk])).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_uploading_a_file_already_imported_says_so_and_adds_nothing(
        tenant_a, alice, client_for):
    first = services.report_import(tenant=tenant_a, actor=alice,
                                   path=SAMPLES / "SmtpCSReport_sample.csv")
    client = client_for(alice)
    response = _upload(client, tenant_a, _sample())
    assert response.status_code == 302 and response.url.endswith(f"/imports/{first.pk}/")
    assert ReportImport.objects.count() == 1
    follow = client.get(response.url)
    assert "already imported on" in follow.content.decode()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("report.xlsx", b"PK\x03\x04", "as a .csv file"),
    ("report.csv", b"", "empty"),
])
def test_the_upload_form_checks_type_and_emptiness(tenant_a, alice, client_for, name, data,
                                                   message):
    response = _upload(client_for(alice), tenant_a, data, name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ReportImport.objects.exists()


def test_the_upload_form_enforces_the_size_limit(tenant_a, alice, client_for, settings):
    settings.REPORT_UPLOAD_MAX_BYTES = 100
    response = _upload(client_for(alice), tenant_a, _sample())
    assert "the limit is 100" in response.content.decode()
    assert not ReportImport.objects.exists()


@pytest.mark.parametrize(("persona", "get_status", "post_status"), [
    ("msp_admin", 200, 302), ("alice", 200, 302), ("hana", 403, 403), ("victor", 403, 403),
    ("bob", 404, 404), ("charlie", 404, 404),
])
def test_only_managers_may_upload(request, tenant_a, client_for, persona, get_status,
                                  post_status):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("imports:upload", args=[tenant_a.slug])
    assert client.get(url).status_code == get_status
    assert _upload(client, tenant_a, _sample()).status_code == post_status


def test_anonymous_users_are_sent_to_log_in(tenant_a, client_for):
    response = client_for(None).get(reverse("imports:upload", args=[tenant_a.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_tenants_import_is_a_404_everywhere(tenant_a, tenant_b, bob, client_for):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    client = client_for(bob)
    for name in ("detail", "status", "delete"):
        assert client.get(reverse(f"imports:{name}", args=["tenant-b", report.pk])
                          ).status_code == 404
    assert client.post(reverse("imports:delete", args=["tenant-b", report.pk])
                       ).status_code == 404
    assert ReportImport.objects.get(pk=report.pk).status == ImportStatus.IMPORTED


def test_a_viewer_cannot_confirm_or_delete(uploaded, victor, client_for):
    client = client_for(victor)
    assert client.post(reverse("imports:confirm", args=["tenant-a", uploaded.pk])
                       ).status_code == 403
    assert client.get(reverse("imports:delete", args=["tenant-a", uploaded.pk])
                      ).status_code == 403
    assert client.post(reverse("imports:delete", args=["tenant-a", uploaded.pk])
                       ).status_code == 403


def test_deleting_asks_for_confirmation_then_removes_the_usage(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    client = client_for(alice)
    url = reverse("imports:delete", args=["tenant-a", report.pk])
    page = client.get(url)
    assert page.status_code == 200 and "will be removed from the usage" in page.content.decode()
    assert DailyUsage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # queue the task, as on commit
        response = client.post(url)
    assert response.status_code == 302 and response.url.endswith(f"/imports/{report.pk}/")
    assert not DailyUsage.objects.exists()
    assert ReportImport.objects.get(pk=report.pk).status == ImportStatus.DELETED
    event = AuditEvent.objects.get(action="import.delete")
    assert (event.actor, event.source) == (alice, "task")


def test_a_delete_request_is_claimed_once_and_shown_as_running(tenant_a, alice, client_for):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert services.report_delete_request(report=report, actor=alice)
    assert not services.report_delete_request(report=report, actor=alice)  # already claimed
    status = client_for(alice).get(reverse("imports:status", args=["tenant-a", report.pk]))
    assert status.json()["running"] is True
    assert DailyUsage.objects.exists()  # nothing removed until the worker runs


def test_the_list_filters_sorts_and_exports(tenant_a, victor, client_for, write_file,
                                            django_assert_max_num_queries):
    services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    services.report_import(tenant=tenant_a, path=write_file(build_csv(
        [{"Sender address": "=cmd@contoso.cz", "Domain": "contoso.cz", "TLS 1.0": "0",
          "TLS 1.1": "0", "TLS 1.2": "100", "Messages sent": "1",
          "Authentication protocol": "Basic"}], header=EXPORT_HEADER), "=HYPERLINK(1).csv"),
        period=services.Period(__import__("datetime").date(2026, 11, 1),
                               __import__("datetime").date(2026, 11, 2)))
    client = client_for(victor)
    url = reverse("imports:list", args=["tenant-a"])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "SmtpCSReport_sample.csv" in page.content.decode()
    assert "SmtpCSReport" not in client.get(url, {"q": "HYPERLINK"}).content.decode()
    for column in ("file_name", "format", "channel", "status", "rows", "senders",
                   "period_start", "period_end", "imported_by", "created_at", "imported_at",
                   "sha256"):
        assert client.get(url, {"sort": column}).status_code == 200
        assert client.get(url, {"sort": f"-{column}"}).status_code == 200
    export = client.get(url, {"_export": "csv", "format": "export"}).content.decode()
    assert "'=HYPERLINK(1).csv" in export and "SmtpCSReport_sample" not in export


def test_the_list_shows_no_other_tenants_imports(tenant_a, tenant_b, bob, client_for):
    services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    body = client_for(bob).get(reverse("imports:list", args=["tenant-b"])).content.decode()
    assert "SmtpCSReport_sample.csv" not in body and "No report imported yet" in body


def test_the_detail_page_polls_with_a_static_script_and_no_inline_js(
        tenant_a, alice, client_for):
    report = ReportImport.objects.create(tenant=tenant_a, file_name="x.csv", sha256="0" * 64,
                                         status=ImportStatus.PARSING, progress_done=50,
                                         progress_total=200)
    body = client_for(alice).get(
        reverse("imports:detail", args=["tenant-a", report.pk])).content.decode()
    assert 'src="/static/js/import-progress.js"' in body
    assert "25%" in body and 'http-equiv="refresh"' in body
    scripts = [chunk for chunk in body.split("<script")[1:] if not chunk.lstrip().startswith("src")]
    assert scripts == []
    status = json.loads(client_for(alice).get(
        reverse("imports:status", args=["tenant-a", report.pk])).content)
    assert (status["percent"], status["running"]) == (25, True)


def test_the_detail_and_status_pages_use_a_constant_number_of_queries(
        uploaded, alice, client_for, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("imports:detail", args=["tenant-a", uploaded.pk])
                          ).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("imports:status", args=["tenant-a", uploaded.pk])
                          ).status_code == 200


def test_an_upload_is_audited_with_the_file_name_and_hash(uploaded, alice):
    event = AuditEvent.objects.get(action="import.upload")
    assert (event.actor, event.object_id) == (alice, str(uploaded.pk))
    assert event.after["sha256"] == uploaded.sha256
    assert event.after["file_name"] == "SmtpCSReport_x.csv"


def test_stored_files_live_outside_static_and_media_roots(uploaded, settings):
    from readiness.imports.storage import stored_file

    path = stored_file(uploaded.stored_path)
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    for root in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert root.resolve() not in path.parents


def test_a_stored_path_cannot_escape_the_upload_root():
    from readiness.imports.storage import stored_file

    with pytest.raises(ValueError, match="outside"):
        stored_file("../../etc/passwd")


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ";"), ("utf-16-le", "\t"), ("utf-16-be", ","),
    ("utf-8", "\t"),
])
def test_the_upload_form_accepts_every_encoding_and_delimiter_the_parser_reads(
        tenant_a, alice, client_for, encoding, delimiter):
    data = build_csv([detailed_row(1), detailed_row(2)], encoding=encoding, delimiter=delimiter)
    response = _upload(client_for(alice), tenant_a, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReportImport.objects.get().file_name == "SmtpCSReport_x.csv"


@pytest.mark.parametrize(("data", "message"), [
    (b"date,senderName\n2026-01-01,caf\xe9\n", 'Line 2 is not valid UTF-8 text (byte 0xe9)'),
    ("date,senderName\n".encode("utf-16-le"), "UTF-16 text without a byte order mark"),
    (b"PK\x03\x04" + bytes(100), "export it as CSV and upload the CSV file"),
])
def test_the_upload_form_explains_content_that_is_not_csv_text(tenant_a, alice, client_for,
                                                               data, message):
    response = _upload(client_for(alice), tenant_a, data)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not ReportImport.objects.exists()


def test_a_rejection_is_written_in_the_uploaders_language(
        tenant_a, alice, client_for, eager_celery, django_capture_on_commit_callbacks):
    """The inspect task runs in the background, yet a Czech manager reads why the file
    was refused in Czech (tasks.py runs the parser in the uploader's language)."""
    from readiness.tenancy.language import user_language_set

    user_language_set(user=alice, language="cs")
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, tenant_a, b"Date,Sender\n2026-11-01,a@a.example\n")
    report = ReportImport.objects.get(tenant=tenant_a)
    assert report.status == ImportStatus.REJECTED
    assert report.error.startswith("Toto není sestava klientů SMTP AUTH")
