"""Docker does not run here, so docker-compose.yml is checked as Compose reads it:
start order, exactly one beat, TLS in front, health checks, volumes and restarts."""

from cryptography import x509

from readiness.demo.emulator import ca
from tests.deploy.stack import APP_SERVICES, ROOT, compose, services

LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat", "caddy")


def test_it_defines_the_full_stack():
    assert {"postgres", "redis", "migrate", "web", "worker", "beat", "caddy"} <= services().keys()


def test_migrate_is_a_one_shot_that_waits_for_a_healthy_database():
    migrate = services()["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_worker_and_beat_start_only_after_migrate_completed():
    for name in APP_SERVICES:
        assert services()[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"}, name


def test_there_is_exactly_one_beat():
    beats = [name for name, service in services().items()
             if "beat" in service.get("command", [])]
    assert beats == ["beat"]
    assert services()["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_the_tls_proxy_is_the_only_way_in_and_waits_for_a_healthy_web():
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"caddy"}
    caddy = services()["caddy"]
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert caddy["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert services()["web"]["expose"] == ["8000"]


def test_the_caddyfile_proxies_to_web_and_the_site_address_is_configurable():
    caddy = services()["caddy"]
    mounted = [v.split(":")[0] for v in caddy["volumes"] if v.endswith("/etc/caddy/Caddyfile:ro")]
    assert mounted == ["./deploy/Caddyfile"]
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$SITE_ADDRESS:localhost} {" in text
    assert "reverse_proxy web:8000" in text


def test_the_app_trusts_exactly_one_proxy_and_runs_without_debug():
    for name in APP_SERVICES:
        env = services()[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["BEHIND_PROXY"] == "true" and env["TRUSTED_PROXY_COUNT"] == "1"


def test_every_long_running_service_has_a_health_check():
    for name in LONG_RUNNING:
        if name == "caddy":
            continue  # the image's own; web's health gates it
        check = services()[name]["healthcheck"]
        assert not check.get("disable") and check["test"], name
    assert services()["web"]["healthcheck"]["test"] == [
        "CMD", "python", "-m", "readiness.healthcheck"]
    assert "inspect ping" in services()["worker"]["healthcheck"]["test"][1]


def test_every_long_running_service_restarts_and_one_shots_do_not():
    for name in LONG_RUNNING:
        assert services()[name]["restart"] == "unless-stopped", name
    assert services()["migrate"]["restart"] == "no"
    assert services()["demo-seed"]["restart"] == "no"


def test_state_lives_in_named_volumes():
    declared = set(compose()["volumes"])
    assert {"pgdata", "redisdata", "appdata", "caddy_data", "caddy_config"} <= declared
    mounts = {name: [v.split(":")[0] for v in service.get("volumes", [])]
              for name, service in services().items()}
    assert "pgdata" in mounts["postgres"] and "redisdata" in mounts["redis"]
    for name in APP_SERVICES:
        assert mounts[name] == ["appdata"], name
    for name, sources in mounts.items():
        for source in sources:
            assert source in declared or source.startswith("./deploy/"), (name, source)


def test_web_worker_and_beat_share_one_image_and_one_environment():
    images = {services()[name]["image"] for name in APP_SERVICES}
    assert images == {"${READINESS_IMAGE:-smtp-auth-readiness:latest}"}
    database_urls = {services()[name]["environment"]["DATABASE_URL"] for name in APP_SERVICES}
    assert len(database_urls) == 1 and database_urls.pop().startswith("postgres://")


def test_each_service_runs_the_image_command():
    web, worker, beat = (services()[name]["command"] for name in APP_SERVICES)
    assert web == ["gunicorn", "readiness.wsgi:application", "--config",
                   "python:readiness.gunicorn_conf"]
    assert worker[:4] == ["celery", "-A", "readiness", "worker"]
    assert beat[:4] == ["celery", "-A", "readiness", "beat"]


def test_the_emulator_and_fake_tenants_come_only_with_the_demo_profile():
    with_profile = {name for name, service in services().items() if service.get("profiles")}
    assert with_profile == {"emulator", "demo-seed"}
    for name in with_profile:
        assert services()[name]["profiles"] == ["demo"]
    seed = services()["demo-seed"]
    assert seed["depends_on"]["emulator"]["condition"] == "service_healthy"
    assert seed["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    demo_env = (ROOT / "deploy" / "demo.env").read_text()
    assert "M365_LOGIN_URL=https://emulator:8443" in demo_env
    assert "REQUESTS_CA_BUNDLE=/data/emulator/ca.pem" in demo_env


def dns_names(cert_path):
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)


def test_the_emulator_certificate_is_valid_for_its_compose_host_name(tmp_path):
    _ca, cert, _key = ca.ca_ensure(tmp_path)
    assert "emulator" in dns_names(cert)


def test_a_certificate_made_before_the_compose_host_name_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(ca, "HOSTS", ("localhost",))
    _ca, cert, _key = ca.ca_ensure(tmp_path)
    assert dns_names(cert) == ["localhost"]
    monkeypatch.undo()
    ca.ca_ensure(tmp_path)
    assert "emulator" in dns_names(cert)
