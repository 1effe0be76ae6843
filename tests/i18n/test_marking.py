"""Every user-visible string is marked for translation (tests/i18n/scanner.py says where
it looks), and the scanner really fails on an unmarked one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.scanner import is_words, scan_project, scan_python, scan_template

ROOT = Path(__file__).resolve().parents[2]


def test_no_unmarked_user_visible_string_in_templates_or_python():
    findings = scan_project(ROOT)
    assert not findings, "Unmarked user-visible strings (wrap them in {% translate %} / _()):\n" + (
        "\n".join(str(f) for f in findings))


# --- the scanner fails when it should --------------------------------------------------


@pytest.fixture
def fake_project(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "readiness" / "app").mkdir(parents=True)
    return tmp_path


def _template(root: Path, text: str) -> list:
    path = root / "templates" / "page.html"
    path.write_text("{% load i18n %}" + text, encoding="utf-8")
    return scan_template(path, root)


def _python(root: Path, name: str, text: str) -> list:
    path = root / "readiness" / "app" / name
    path.write_text(text, encoding="utf-8")
    return scan_python(path, root)


def test_an_unmarked_template_text_fails(fake_project):
    findings = _template(fake_project, "<h1>{% translate 'Senders' %}</h1>\n<p>Unmarked words</p>")
    assert [(f.line, f.text) for f in findings] == [(2, "Unmarked words")]
    assert scan_project(fake_project) == findings


def test_the_same_text_marked_passes(fake_project):
    assert _template(fake_project, "<p>{% translate 'Marked words' %}</p>") == []
    assert _template(fake_project, "<p>{% blocktranslate %}Marked {{ x }}{% endblocktranslate %}"
                                   "</p>") == []


@pytest.mark.parametrize("snippet", [
    '<input placeholder="Search tenants">',
    '<a title="Open the sender">x</a>',
    '<nav aria-label="Main menu"></nav>',
    '{{ value|default:"never seen" }}',
    '{% include "x.html" with label="Daily messages" %}',
    '<input type="submit" value="Save changes">',
])
def test_unmarked_attributes_and_literals_fail(fake_project, snippet):
    assert len(_template(fake_project, snippet)) == 1


@pytest.mark.parametrize("snippet", [
    "<code>Set-CASMailbox -SmtpClientAuthenticationDisabled $true</code>",
    "<td>SMTP AUTH · OAuth · Basic</td>",
    "<td>TLS 1.2 · 42 %</td>",
    "<script>var words = 'not text';</script>",
    "{# a comment with words #}",
    '<p class="x">{{ message.tags|default:"info" }}</p>{# notranslate: a CSS class #}',
])
def test_non_words_code_and_comments_pass(fake_project, snippet):
    assert _template(fake_project, snippet) == []


@pytest.mark.parametrize(("name", "source"), [
    ("views.py", "from django.contrib import messages\n"
                 "def v(request):\n    messages.success(request, 'Ticket saved.')\n"),
    ("views.py", "from django.contrib import messages\n"
                 "def v(request, n):\n    messages.info(request, f'{n} senders updated.')\n"),
    ("forms.py", "from django import forms\n"
                 "class F(forms.Form):\n    due = forms.DateField(label='Due date')\n"),
    ("forms.py", "from django import forms\n"
                 "class F(forms.Form):\n    due = forms.DateField()\n"),
    ("services.py", "from django.core.exceptions import ValidationError\n"
                    "def s():\n    raise ValidationError('The period ends.')\n"),
    ("services.py", "from django.core.exceptions import ValidationError\n"
                    "def s():\n    raise ValidationError({'body': 'Cannot be empty.'})\n"),
    ("choices.py", "from django.db import models\n"
                   "class Kind(models.TextChoices):\n    NEW = 'new', 'New'\n"),
    ("models.py", "from django.db import models\n"
                  "class M(models.Model):\n    n = models.IntegerField(help_text='How many.')\n"),
    ("tables.py", "import django_tables2 as tables\n"
                  "class T(tables.Table):\n    due = tables.Column()\n"),
    ("charts.py", "def figure():\n    return {'layout': {'title': {'text': 'Per day'}}}\n"),
])
def test_an_unmarked_python_string_fails(fake_project, name, source):
    assert len(_python(fake_project, name, source)) == 1


def test_marked_python_strings_pass(fake_project):
    source = (
        "from django.contrib import messages\n"
        "from django.utils.translation import gettext as _, ngettext\n"
        "def v(request, n):\n"
        "    messages.success(request, _('Ticket saved.'))\n"
        "    messages.info(request, ngettext('%(n)d sender', '%(n)d senders', n) % {'n': n})\n"
    )
    assert _python(fake_project, "views.py", source) == []


def test_allow_listed_tokens_are_not_words():
    assert not is_words("SMTP AUTH · OAuth · Basic · TLS 1.2")
    assert not is_words("%{x}: %{y}")
    assert is_words("Basic messages")
