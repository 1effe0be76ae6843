from django.apps import AppConfig


class SendersConfig(AppConfig):
    name = "readiness.senders"
    label = "senders"
