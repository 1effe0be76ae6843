"""Base URLs per cloud. Settings that differ from the global defaults win, so a local
emulator (or any other stand-in) is configuration only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

from readiness.connectors.choices import Cloud

MICROSOFT_LOGIN_HOSTS = (".microsoftonline.com", ".microsoftonline.us", ".chinacloudapi.cn",
                         ".microsoftonline.de")


@dataclass(frozen=True)
class Endpoints:
    login: str
    graph: str
    exchange: str

    @property
    def login_is_microsoft(self) -> bool:
        host = urlparse(self.login).hostname or ""
        return any(host.endswith(suffix) for suffix in MICROSOFT_LOGIN_HOSTS)


CLOUDS = {
    Cloud.GLOBAL: Endpoints("https://login.microsoftonline.com", "https://graph.microsoft.com",
                            "https://outlook.office365.com"),
    Cloud.USGOV: Endpoints("https://login.microsoftonline.us", "https://graph.microsoft.us",
                           "https://outlook.office365.us"),
}


def endpoints_for(*, cloud: str) -> Endpoints:
    """The cloud's hosts, unless a setting points somewhere else than the global default."""
    default, chosen = CLOUDS[Cloud.GLOBAL], CLOUDS.get(cloud, CLOUDS[Cloud.GLOBAL])

    def pick(name: str, global_url: str, cloud_url: str) -> str:
        configured = (getattr(settings, name, "") or global_url).rstrip("/")
        return cloud_url if configured == global_url else configured

    return Endpoints(
        login=pick("M365_LOGIN_URL", default.login, chosen.login),
        graph=pick("M365_GRAPH_URL", default.graph, chosen.graph),
        exchange=pick("M365_EXCHANGE_URL", default.exchange, chosen.exchange),
    )


def admin_consent_url(*, cloud: str, directory_id: str, client_id: str) -> str:
    login = endpoints_for(cloud=cloud).login
    return f"{login}/{directory_id}/adminconsent?client_id={client_id}"
