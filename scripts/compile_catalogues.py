"""Compile locale/*/LC_MESSAGES/*.po into .mo, in pure Python (polib).

Why not `manage.py compilemessages`: it needs GNU gettext's msgfmt, and a checkout must
run and test with nothing but Python (README, "Two commands"). The production image
still uses compilemessages (the Dockerfile installs gettext in its build stage). The .mo
files are build output and never committed (.gitignore); `make run` and the test suite
(tests/conftest.py) call this, which recompiles only catalogues newer than their .mo.

    python scripts/compile_catalogues.py [--force]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues_compile(locale_dir: Path = ROOT / "locale", *, force: bool = False) -> list[Path]:
    """Write each stale .mo; return the ones written. Fuzzy entries are left out, as
    msgfmt does (tests/i18n fails on any fuzzy entry anyway)."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Written beside, then renamed: a concurrent reader never sees half a file.
        partial = mo_path.with_suffix(".mo.partial")
        catalogue.save_as_mofile(str(partial))
        partial.replace(mo_path)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in catalogues_compile(force="--force" in sys.argv[1:]):
        print(f"compiled {path.relative_to(ROOT)}")
