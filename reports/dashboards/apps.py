from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "reports.dashboards"
    label = "dashboards"
