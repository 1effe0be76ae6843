# syntax=docker/dockerfile:1
# Production image: built in one stage, run from a smaller one as a non-root user.
# Nothing secret is baked in: SECRET_KEY, READINESS_ENCRYPTION_KEY and the database
# password come from the environment at run time (see .env.example).

# --- build: compile translations, then build the wheel and every dependency's wheel ---
FROM python:3.11-slim-trixie AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext for compilemessages; never copied into the runtime stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps .git, .venv, var/, .env, tests and benchmarks out.
COPY . .
# The wheel, then a venv with it and every dependency (never an editable install).
RUN sh deploy/build-wheel.sh /wheels \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install /wheels/*.whl
# Translations compiled at build time, then the wheel rebuilt so it carries the .mo files
# (skipped while the project has no catalogue yet: compilemessages refuses an empty tree).
RUN if find . -name '*.po' -not -path './.venv/*' | grep -q .; then \
        READINESS_DATA_DIR=/tmp/build-data /opt/venv/bin/python manage.py compilemessages \
        && rm -rf /tmp/build-data /wheels/* \
        && sh deploy/build-wheel.sh /wheels \
        && /opt/venv/bin/pip install --no-deps --force-reinstall /wheels/*.whl; \
    fi

# --- runtime: the venv, manage.py, collected static files; runs as "app" ---
FROM python:3.11-slim-trixie AS runtime
# postgresql-client (17 on trixie, the compose server's major version): pg_dump, pg_restore
# and psql for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=readiness.settings \
    READINESS_DATA_DIR=/data \
    READINESS_STATIC_ROOT=/app/staticfiles
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py ./
# Static files are collected at build time into the image (read-only for the app user),
# not into the /data volume, so an upgrade never serves the previous release's files.
# The throwaway data dir keeps the generated build-time key out of the image. Settings set
# umask 077 (the data dir is private), so the files are made readable for "app" here.
# Hashed, gzip- and brotli-compressed, served as immutable (settings.py, STORAGES).
RUN READINESS_MANIFEST_STATIC=1 READINESS_DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput -v0 \
    && rm -rf /tmp/build-data \
    && chmod -R a+rX /app/staticfiles \
    && mkdir -p /data \
    && chown app:app /data
USER app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "readiness.healthcheck"]
CMD ["gunicorn", "readiness.wsgi:application", "--config", "python:readiness.gunicorn_conf"]
