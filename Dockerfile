# The riskgraph API, CLI and web page (used by docker-compose.yml; Neo4j runs in its own container there).
FROM node:20-slim AS web
WORKDIR /web
COPY riskgraph/api/web/package.json riskgraph/api/web/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY riskgraph ./riskgraph
COPY --from=web /web/node_modules ./riskgraph/api/web/node_modules
# editable, so the page's npm libraries under riskgraph/api/web/node_modules are served in place
RUN pip install --no-cache-dir -c constraints.txt -e .
EXPOSE 8000
CMD ["riskgraph", "serve", "--host", "0.0.0.0"]
