"""WhiteNoise's compressed manifest storage, tuned for our vendored files."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _regex(pattern) -> str:
    return pattern[0] if isinstance(pattern, tuple) else pattern


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed names, gzip + brotli copies, and two allowances:

    - source-map comments are left alone: the vendored minified files (Bootstrap) name
      .map files we do not ship, which would otherwise fail `collectstatic`;
    - a static file added since the last `collectstatic` is linked by its plain name
      (WhiteNoise still serves it from the finders) instead of failing the page.
    """

    manifest_strict = False
    patterns = tuple(
        (glob, tuple(p for p in pats if "sourceMappingURL" not in _regex(p)))
        for glob, pats in CompressedManifestStaticFilesStorage.patterns
    )

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
