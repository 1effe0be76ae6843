from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "readiness.dashboards"
    label = "dashboards"
