"""Root conftest: its presence puts the project root on sys.path for plain pytest runs.

pytest-django normally does this via manage.py; with ``-p no:django`` nothing else would.
"""
