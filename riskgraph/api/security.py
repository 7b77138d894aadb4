"""Security headers on every response: a Content-Security-Policy fitted to the web page, no framing, no sniffing.

The page (``riskgraph/api/web``) loads its scripts and style sheet from the service itself and
has no inline script, so scripts are ``'self'`` only. Two things it does need are allowed by
name: the ``style="…"`` attributes app.js sets on legend swatches and heat cells
(``style-src-attr 'unsafe-inline'`` — attributes cannot run code), and the one ``<style>``
element cytoscape.js inserts (allowed by its hash, not by ``'unsafe-inline'``). The OpenAPI
pages (``/docs``, ``/redoc``) are FastAPI's: they load Swagger UI / ReDoc from jsDelivr and start
it with an inline script, so they get a policy of their own that allows just that.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The text of the <style> element cytoscape.js adds to the page's <head> (dist/cytoscape.min.js).
CYTOSCAPE_STYLE = ".__________cytoscape_container { position: relative; }"


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    f"style-src-elem 'self' {_csp_hash(CYTOSCAPE_STYLE)}",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'unsafe-inline' {DOCS_CDN}",
    f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
    f"img-src 'self' data: {DOCS_CDN} https://fastapi.tiangolo.com",
    f"worker-src 'self' blob: {DOCS_CDN}",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds the headers to every HTTP response (a header the route set itself is left as it is)."""

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str] = frozenset()):
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"] in self.docs_paths else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {"Content-Security-Policy": policy, **HEADERS}.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
