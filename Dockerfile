# syntax=docker/dockerfile:1
# The Partnership API: the locked dependencies and the project's wheel installed into a virtual
# environment in one stage, copied into a slim runtime that runs as a non-root user.
# Build: `docker build -t partnership-api .`
#
# In a container DATABASE_URL must be set. Without it the service starts an embedded PostgreSQL in
# DATA_DIR, which is for local development only: this image keeps no data folder for it (/app is
# not writable by the service user), so a container without DATABASE_URL fails at start-up.

FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
WORKDIR /src
# The dependencies from the lock file only (exact versions, every file's hash checked), in a layer
# of their own that a change to app/ does not rebuild; `make lock` rewrites requirements.lock.
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install --require-hashes -r requirements.lock
# Then the project itself with --no-deps, so nothing is fetched unchecked; `pip check` fails the
# build if the lock lacks a dependency of pyproject.toml. README.md is the package's long
# description (`readme` in pyproject.toml).
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install --no-deps . \
 && /opt/venv/bin/pip check


FROM python:3.11-slim AS runtime

# PYTHONPATH=/app: the code runs from the source tree in /app, not from the wheel's copy in the
# virtual environment, because app/db/migrations.py finds alembic.ini and alembic/ beside the `app`
# package, and the first migration reads app/reference_data/ beside alembic/. The wheel holds
# neither alembic.ini nor alembic/.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=1

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# Owned by root and only readable by the service user: it needs to write nothing here.
COPY app ./app
COPY alembic ./alembic
COPY alembic.ini ./

USER 10001:10001
EXPOSE 8000

# Liveness only (/healthz touches no database); load balancers should use /readyz. No curl in slim.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

# WORKERS processes share the port (default 1); give a container of N cores WORKERS=N (README,
# "Settings"): one Python process uses one core.
# Migrates under a PostgreSQL advisory lock (unless MIGRATE_ON_START=false), then starts uvicorn.
# uvicorn waits up to 20 s for requests in flight on SIGTERM: stop with `docker stop -t 30`.
CMD ["partnership-api", "serve"]
