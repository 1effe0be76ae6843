"""Per-locale date formats that differ from Django's (settings.FORMAT_MODULE_PATH).

Czech uses Django's own formats unchanged ("1. prosince 2026", "1. prosince 2026 13:21").
"""
