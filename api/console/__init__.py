"""The web console and chain explorer each peer serves at ``/`` (issue 17).

Pages are Jinja2 templates rendered without ledger data: every ledger read is made
by the browser itself, through the same ``/v1`` routes any client uses and signed
with the member's own key (RFC 9421, made with Web Crypto Ed25519 in
``static/ledger.js``), so the API's read checks and need-to-know filtering apply
to the console exactly as to the CLI. The key is imported into the browser as a
non-extractable ``CryptoKey`` and kept in the page origin's IndexedDB; it is never
sent anywhere. Writes are envelopes the browser builds and signs (RFC 8785
canonical bytes made in JavaScript) and posts to ``POST /v1/transactions``.

Everything the console needs is package data under ``api/console`` (templates and
static files): no CDN, no build step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

HERE = Path(__file__).parent
STATIC_URL = "/console/static"


@dataclass(frozen=True, slots=True)
class PeerHead:
    """One peer's head as the serving process sees it (for the explorer's peer table)."""

    peer: str
    url: str | None
    height: int
    head_hash: str | None


PeerHeads = Callable[[], list[PeerHead]]

PAGES: dict[str, tuple[str, str]] = {
    # path -> (template, title)
    "/": ("home.html", "My work"),
    "/sign-in": ("sign_in.html", "Sign in"),
    "/explorer": ("explorer.html", "Chain explorer"),
    "/actions": ("actions.html", "Submit an action"),
    "/cosign": ("cosign.html", "Co-sign a transaction"),
}


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["static"] = STATIC_URL
    return templates


def install(app: FastAPI, node_id: str, peer_heads: PeerHeads) -> None:
    """Add the console's pages, its static files and ``/console/peers`` to ``app``."""
    templates = _templates()
    router = APIRouter(include_in_schema=False)

    def page(template: str, title: str) -> Callable[[Request], HTMLResponse]:
        def render(request: Request) -> HTMLResponse:
            return templates.TemplateResponse(
                request, template, {"title": title, "node_id": node_id, "path": request.url.path},
                headers=_NO_STORE,
            )
        return render

    for path, (template, title) in PAGES.items():
        router.add_api_route(path, page(template, title), methods=["GET"],
                             response_class=HTMLResponse)

    @router.get("/explorer/blocks/{height}", response_class=HTMLResponse)
    def block_page(request: Request, height: Annotated[int, PathParam(ge=0, le=2**53 - 1)]
                   ) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "block.html",
            {"title": f"Block {height}", "node_id": node_id, "height": height,
             "path": "/explorer"}, headers=_NO_STORE,
        )

    @router.get("/explorer/txs/{tx_id}", response_class=HTMLResponse)
    def tx_page(request: Request,
                tx_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")]) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "tx.html",
            {"title": f"Transaction {tx_id[:12]}…", "node_id": node_id, "tx_id": tx_id,
             "path": "/explorer"}, headers=_NO_STORE,
        )

    @router.get("/console", response_class=RedirectResponse)
    def console_root() -> RedirectResponse:
        return RedirectResponse("/")

    @router.get("/console/peers")
    async def peers() -> JSONResponse:
        """Every peer's height and head hash as this process sees them: as open as
        ``/v1/health``, which says the same of one peer."""
        heads = await run_in_threadpool(peer_heads)
        return JSONResponse({
            "peers": [
                {"peer": h.peer, "url": h.url, "height": h.height, "head_hash": h.head_hash}
                for h in heads
            ]
        }, headers=_NO_STORE)

    app.include_router(router)
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="console-static")


_NO_STORE = {"Cache-Control": "no-store"}
