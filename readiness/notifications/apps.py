from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "readiness.notifications"
    label = "notifications"
