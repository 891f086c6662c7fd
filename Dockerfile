# vcissuer: the service in a container, on SQLite by default.
#
#   docker build -t vcissuer .
#   docker run -d --name vcissuer -p 8000:8000 \
#     -e VCISSUER_BASE_URL=https://badges.example.ac.uk \
#     -v vcissuer-data:/data -v vcissuer-keys:/keys vcissuer
#   docker exec vcissuer vcissuer clients create --admin      # an admin API key, printed once
#
# /keys holds the signing keys: back it up like the database (see keys/README.md). Set
# VCISSUER_KEY_PASSPHRASE to encrypt them at rest, VCISSUER_DATABASE_URL=postgresql+psycopg://...
# for PostgreSQL. The wheel carries the JSON-LD contexts and the OB 3.0 schemas; nothing is
# fetched at run time.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: the vcissuer wheel, then a virtualenv with it and its locked dependencies ---------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md requirements.lock .gitignore ./
COPY contexts ./contexts
COPY src ./src
# The runtime dependencies at exactly the locked versions (-c: the lock also pins the test tools,
# pytest, ruff, schemathesis..., which the image does not need); the build fails if anything
# installed is not pinned in requirements.lock.
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/vcissuer \
 && /opt/vcissuer/bin/pip install -c requirements.lock /wheels/vcissuer-*.whl \
 && /opt/vcissuer/bin/pip check \
 && unlocked="$(/opt/vcissuer/bin/pip freeze | grep -v '^vcissuer ' \
                | grep -vxF -f requirements.lock || true)" \
 && if [ -n "$unlocked" ]; then echo "not in requirements.lock: $unlocked" >&2; exit 1; fi

# --- runtime -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 vcissuer \
 && useradd --system --uid 10001 --gid vcissuer --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin vcissuer \
 && mkdir -p /data /keys \
 && chown vcissuer:vcissuer /data /keys \
 && chmod 0700 /keys
COPY --from=build /opt/vcissuer /opt/vcissuer
ENV PATH=/opt/vcissuer/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VCISSUER_HOST=0.0.0.0 \
    VCISSUER_PORT=8000 \
    VCISSUER_DATABASE_URL=sqlite:////data/vcissuer.sqlite3 \
    VCISSUER_KEY_DIR=/keys
# Declared after the chown, so fresh named volumes start out owned by vcissuer.
VOLUME ["/data", "/keys"]
WORKDIR /data
USER vcissuer:vcissuer
EXPOSE 8000
# slim has no curl; plain HTTP on VCISSUER_PORT (adapt it when TLS is on in the container).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('VCISSUER_PORT', '8000') + '/health', timeout=4)"]
CMD ["vcissuer", "serve"]
