"""bench_pages.py's baseline only: the product's settings, with Plotly's full bundle (the
4.8 MB plotly.min.js the Python plotly package ships) served under the name of the
vendored partial bundle, so the same page, server and compression load the full bundle."""

import os

from readiness.settings import *  # noqa: F403
from readiness.settings import STATICFILES_DIRS

STATICFILES_DIRS = [("vendor/plotly", os.environ["BENCH_FULL_PLOTLY_DIR"]), *STATICFILES_DIRS]
