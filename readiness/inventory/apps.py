from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "readiness.inventory"
    label = "inventory"
