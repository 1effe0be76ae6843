from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "readiness.usage"
    label = "usage"

    def ready(self):
        # The mailbox page (inventory, a layer below) shows this app's evidence.
        from readiness.inventory.tables import EVIDENCE_READERS
        from readiness.usage.evidence import mailbox_evidence_rows

        if mailbox_evidence_rows not in EVIDENCE_READERS:
            EVIDENCE_READERS.append(mailbox_evidence_rows)
