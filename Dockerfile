# The riskgraph API and CLI (used by docker-compose.yml; Neo4j runs in its own container there).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY riskgraph ./riskgraph
RUN pip install --no-cache-dir -c constraints.txt .
EXPOSE 8000
CMD ["riskgraph", "serve"]
