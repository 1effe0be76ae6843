#!/bin/sh
# Re-vendors Plotly's official "cartesian" partial bundle into static/vendor/plotly/.
# Run by hand when upgrading; the app, the tests and the image never need npm.
#
# Why the partial bundle: our charts use only scatter, bar and heatmap traces
# (readiness/dashboards/charts.py, readiness/usage/charts.py), all in "cartesian"
# (1.5 MB, vs 4.8 MB for the full plotly.min.js that the Python package ships). The
# browser's compile time follows the bundle's size; docs/benchmarks.md has the figures.
# "basic" (scatter, bar, pie) is smaller but has no heatmap (the coverage strip).
#
# Keep VERSION on the plotly.js release the installed Python plotly bundles
# (`python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"`),
# then update SHA256 after checking the new file (tests/dashboards/test_plotly_bundle.py
# checks the version and the trace types).
set -eu
VERSION=4.1.1
SHA256=79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a
PACKAGE=plotly.js-cartesian-dist-min
DEST=$(cd "$(dirname "$0")/.." && pwd)/static/vendor/plotly

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null && tar xzf ./*.tgz)
echo "$SHA256  $work/package/plotly-cartesian.min.js" | sha256sum -c -
mkdir -p "$DEST"
cp "$work/package/plotly-cartesian.min.js" "$DEST/plotly-cartesian.min.js"
cp "$work/package/LICENSE" "$DEST/LICENSE"
echo "vendored $PACKAGE $VERSION into $DEST"
