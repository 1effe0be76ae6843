"""django-tables2's per-cell signature reading, kept per function (readiness.core.tables):
the same answers as the library's own, for methods, functions and anything else."""

from functools import partial

import django_tables2.utils

from readiness.core import tables as core_tables


class Column:
    def render(self, value, record):
        return value

    def render_all(self, *args, **kwargs):
        return kwargs


def plain(record, table=None):
    return record


def test_the_cached_reading_answers_as_the_library_does():
    assert django_tables2.utils.signature is core_tables._cached_signature
    library = core_tables._library_signature
    for fn in (Column().render, Column().render, Column().render_all, plain,
               partial(plain, table=1), lambda value: value):
        assert core_tables._cached_signature(fn) == library(fn)
    # One entry per function, whichever object the method is bound to.
    core_tables._signatures.clear()
    for _ in range(3):
        core_tables._cached_signature(Column().render)
    assert list(core_tables._signatures) == [(Column.render, True)]
    assert django_tables2.utils.call_with_appropriate(
        Column().render, {"value": 1, "record": 2, "table": 3}) == 1
