FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 READINESS_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN mkdir -p /data && python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "readiness.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
