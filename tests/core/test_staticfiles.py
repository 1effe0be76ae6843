"""The production static storage: hashed names from the manifest, and two allowances."""

from __future__ import annotations

import json

from readiness.core.staticfiles import CompressedManifestStorage


def _storage(tmp_path, paths: dict) -> CompressedManifestStorage:
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    return CompressedManifestStorage(location=tmp_path, base_url="/static/")


def test_a_collected_file_gets_its_hashed_immutable_name(tmp_path):
    storage = _storage(tmp_path, {"js/charts.js": "js/charts.0123456789ab.js"})
    assert storage.url("js/charts.js") == "/static/js/charts.0123456789ab.js"


def test_a_file_added_after_collectstatic_keeps_its_plain_name(tmp_path):
    storage = _storage(tmp_path, {})
    assert storage.url("js/new.js") == "/static/js/new.js"


def test_source_map_comments_are_not_followed(tmp_path):
    # Vendored minified files name .map files we do not ship.
    regexes = [p[0] if isinstance(p, tuple) else p
               for _, patterns in CompressedManifestStorage.patterns for p in patterns]
    assert regexes and not any("sourceMappingURL" in r for r in regexes)
    assert any(r"url\(" in r for r in regexes)  # CSS url() references are still hashed
