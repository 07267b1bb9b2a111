# syntax=docker/dockerfile:1
# Two stages: Rehearse is installed in the first, exactly as the README's deployment installs it;
# the second holds only the installed environment.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
# Not editable: the package carries its templates, static files, migrations and question bank.
RUN python -m pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REHEARSE_ENV=production \
    REHEARSE_INSTANCE_PATH=/data
RUN useradd --create-home --uid 10001 rehearse && mkdir /data && chown rehearse /data
COPY --from=build /opt/venv /opt/venv
USER rehearse
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# `rehearse serve` upgrades the database, loads the bank when it is empty, then starts gunicorn.
CMD ["rehearse", "serve", "--host", "0.0.0.0", "--port", "8000"]
