# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango for WeasyPrint's PDF reports; Noto CJK so Chinese reports render without boxes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The runtime lock: every version pinned and every file checked against its hash (make lock).
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock
COPY . .
# collectstatic needs settings, not secrets: a throwaway key for this one build step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home readiness
USER readiness
EXPOSE 8000
# gunicorn itself is the main process, so it receives SIGTERM and shuts down gracefully.
CMD ["gunicorn", "readiness.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--graceful-timeout", "30"]
