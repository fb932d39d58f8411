# syntax=docker/dockerfile:1
# newswatch service image: `docker build -t newswatch .`
# Build stage: install the locked, hash-checked dependencies and the package into a venv.
FROM python:3.11.10-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY worker ./worker
# --no-deps: every dependency came from the lock above, with its hash checked.
RUN pip install --no-deps . && pip check

# Runtime stage: the venv, the shipped config and seeds; no compiler, no build files.
FROM python:3.11.10-slim-bookworm

# A fixed uid/gid (not 0, not the 1000 of most host users) so volume ownership is predictable.
RUN groupadd --system --gid 10001 newswatch \
    && useradd --system --uid 10001 --gid newswatch --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin newswatch \
    && mkdir -p /app/data \
    && chown newswatch:newswatch /app/data

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY config ./config
COPY seeds ./seeds

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSWATCH_CONFIG=/app/config/newswatch.yaml \
    NEWSWATCH_DATA_DIR=/app/data \
    NEWSWATCH_METRICS__HOST=0.0.0.0 \
    NEWSWATCH_METRICS__PORT=9464 \
    NEWSWATCH_LOG__FORMAT=json

USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 9464

# /healthz answers 200 while the process serves metrics and reaches its database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('NEWSWATCH_METRICS__PORT', '9464') + '/healthz', timeout=4)"]

ENTRYPOINT ["newswatch"]
CMD ["run"]
