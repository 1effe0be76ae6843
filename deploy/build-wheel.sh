#!/bin/sh
# Build the application wheel into $1 from a copy of the source tree (the current
# directory). Used by the Dockerfile's build stage and by tests/deploy.
# Site-wide templates and static files are staged under readiness/_site/ so the wheel
# carries them; settings.SITE_DIR finds them there once installed.
set -eu
out="${1:?usage: deploy/build-wheel.sh OUTPUT_DIR}"
rm -rf readiness/_site build ./*.egg-info
mkdir -p readiness/_site
cp -R templates static readiness/_site/
# A project-wide locale/ (if the project has one) travels the same way.
[ -d locale ] && cp -R locale readiness/_site/
trap 'rm -rf readiness/_site build ./*.egg-info' EXIT
pip wheel --no-deps --wheel-dir "$out" ${PIP_WHEEL_FLAGS:-} .
