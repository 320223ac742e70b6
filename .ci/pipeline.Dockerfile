# The pipeline image: the repo + its locked environment; `make` drives it as on a laptop.
# Built by docker-compose.yml (service `pipeline`), context = the repo root; the context
# filter is pipeline.Dockerfile.dockerignore next to this file (BuildKit: <Dockerfile>.dockerignore).
FROM python:3.11-slim

# make runs the pipeline; ca-certificates for the HTTPS crawl.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv>=0.8"

ENV UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN useradd --create-home --uid 1000 bouge \
    && mkdir -p /app/data/gazetteer \
    && chown -R bouge:bouge /app
WORKDIR /app
USER bouge

# Dependencies first, so code changes do not re-install them. --no-dev: no test/lint tools.
COPY --chown=bouge:bouge pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY --chown=bouge:bouge . .
RUN uv sync --frozen --no-dev \
    && touch .venv/.installed

ENV DBT_TARGET=prod
CMD ["make", "build"]
