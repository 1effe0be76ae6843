FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 READINESS_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
# Hashed, gzip- and brotli-compressed static files, served as immutable (settings.py).
RUN mkdir -p /data && READINESS_MANIFEST_STATIC=1 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "readiness.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
