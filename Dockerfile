# The ILS application image for the Oracle deployment (docker-compose.yml).
# python-oracledb runs in thin mode: no Oracle client libraries are needed.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV PYTHONPATH=/app \
    PROMETHEUS_MULTIPROC_DIR=.ils/metrics
EXPOSE 8000
# X-Forwarded-For is believed only from ILS_TRUSTED_PROXIES (default none: uvicorn's own default trusts
# 127.0.0.1); the workers' metric files start empty on every start (a restarted container keeps its files).
# The app connects as the application user, which may not install nor do system work: the compose setup service
# installs and creates the first IT admin as the owner.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec python -m uvicorn server.main:app --host 0.0.0.0 --port 8000 --workers ${ILS_WORKERS:-2} --forwarded-allow-ips \"${ILS_TRUSTED_PROXIES:-}\""]
