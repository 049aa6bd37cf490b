FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ind poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pantau pantau
COPY crawler crawler
COPY nlp nlp
COPY indices indices
COPY webapp webapp
COPY sources.yaml ./
RUN pip install --no-cache-dir .
ENV PANTAU_DATA_DIR=/data PANTAU_HOST=0.0.0.0
VOLUME /data
EXPOSE 5000
CMD ["pantau", "serve"]
