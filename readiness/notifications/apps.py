from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "readiness.notifications"
    label = "notifications"

    def ready(self):
        from readiness.core import crypto

        # Key rotation re-encrypts it; the admin, exports and logs keep it out.
        crypto.register_encrypted_fields("notifications.Webhook", ["secret_encrypted"])
