# Pantau's image: the `pantau` command, the dashboard (gunicorn) and the worker; see
# docker-compose.yml. Two stages: the build stage installs the locked runtime packages
# (requirements.lock: no test packages) into a virtualenv, the final one copies that virtualenv
# onto a slim Debian with the OCR tools and runs as the unprivileged user "pantau".
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/pantau
COPY requirements.lock /src/
RUN /opt/pantau/bin/pip install --require-hashes -r /src/requirements.lock
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pantau pantau
COPY nlp nlp
COPY katalog katalog
COPY crawler crawler
COPY indices indices
COPY webapp webapp
COPY pantau_cli pantau_cli
# the dependencies are all in the virtualenv already: install Pantau alone, resolving nothing
RUN /opt/pantau/bin/pip install --no-deps --no-build-isolation . \
    && /opt/pantau/bin/pantau --help > /dev/null

FROM python:3.11-slim-bookworm
# tesseract: OCR of scanned regulations; poppler-utils: PDF tools; postgresql-client: pg_dump for
# `pantau backup` (major 15, like the compose file's PostgreSQL)
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ind poppler-utils \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin pantau \
    && mkdir -p /data && chown pantau:pantau /data
COPY --from=build /opt/pantau /opt/pantau
COPY sources.yaml /app/sources.yaml
ENV PATH=/opt/pantau/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PANTAU_DATA_DIR=/data \
    PANTAU_SOURCES=/app/sources.yaml \
    PANTAU_HOST=0.0.0.0
WORKDIR /app
USER pantau
VOLUME /data
EXPOSE 5000
CMD ["pantau", "serve"]
