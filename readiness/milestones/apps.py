from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "readiness.milestones"
    label = "milestones"
