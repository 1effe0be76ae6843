"""The vendored Plotly partial bundle: it draws every trace type our pages emit, it is
the file scripts/vendor_plotly.sh pinned, its version follows the plotly.js the Python
package ships, and only pages with charts load it (deferred)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from plotly.offline import get_plotlyjs_version

pytestmark = pytest.mark.django_db

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
BUNDLE = VENDOR / "plotly-cartesian.min.js"
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "vendor_plotly.sh"
FIGURES = re.compile(r'<script id="[\w-]+-data" type="application/json">(.*?)</script>', re.S)


def _registered_trace_types() -> set[str]:
    # Each trace module registers itself with {moduleType:"trace",name:"…"}.
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', BUNDLE.read_text()))


def _trace_types(body: str) -> set[str]:
    return {trace.get("type", "scatter")
            for figure in FIGURES.findall(body) for trace in json.loads(figure)["data"]}


def test_the_bundle_registers_every_trace_type_our_pages_draw(client_for, alice, tenant_a,
                                                              data_a):
    client = client_for(alice)
    pages = [reverse("dashboards:tenant", kwargs={"slug": tenant_a.slug}),
             reverse("senders:sender", kwargs={"slug": tenant_a.slug, "pk": data_a[0].pk})]
    used = set().union(*(_trace_types(client.get(url).content.decode()) for url in pages))
    assert {"scatter", "bar", "heatmap"} <= used  # the pages really were read
    assert used <= _registered_trace_types()


def test_the_bundle_is_the_pinned_release_of_the_shipped_plotly_js():
    header = BUNDLE.read_text()[:200]
    version = re.search(r"plotly\.js \(cartesian - minified\) v(\d+)\.\d+\.\d+", header)
    assert version, header
    pinned = re.search(r"^SHA256=(\w+)$", SCRIPT.read_text(), re.M).group(1)
    assert hashlib.sha256(BUNDLE.read_bytes()).hexdigest() == pinned
    assert (VENDOR / "LICENSE").read_text().startswith("MIT License")
    # Same major version as the plotly.js the Python package (our figures' schema) ships.
    assert version.group(1) == get_plotlyjs_version().split(".")[0]


def test_only_pages_with_charts_load_plotly_and_they_defer_it(client_for, alice, tenant_a,
                                                              data_a):
    client = client_for(alice)
    overview = client.get(reverse("dashboards:tenant", kwargs={"slug": tenant_a.slug}))
    assert re.search(r'<script defer src="[^"]*plotly-cartesian[^"]*\.js"></script>',
                     overview.content.decode())
    for url in (reverse("dashboards:portfolio"),
                reverse("senders:senders", kwargs={"slug": tenant_a.slug})):
        assert "plotly" not in client.get(url).content.decode()
