# syntax=docker/dockerfile:1
# Two stages: dependencies are built in the first, the second holds only what runs.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REHEARSE_ENV=production \
    REHEARSE_INSTANCE_PATH=/data
RUN useradd --create-home --uid 10001 rehearse && mkdir /data && chown rehearse /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=rehearse . .
# The same install as the README's first command, on top of the dependencies built above.
RUN python -m pip install --no-deps --no-cache-dir --disable-pip-version-check -e .
USER rehearse
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# `rehearse serve` upgrades the database, loads the bank when it is empty, then starts gunicorn.
CMD ["rehearse", "serve", "--host", "0.0.0.0", "--port", "8000"]
