"""Liveness and Prometheus exposition: /healthz (no auth), /metrics (no auth, or the bearer token
ILS_METRICS_TOKEN when it is set: the scraper's, not a user's JWT)."""
from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from api.deps import public
from api.errors import not_authenticated, responses
from api.models.common import ApiModel
from services import health, metrics

router = APIRouter(tags=["system"])


class Liveness(ApiModel):
    status: str = Field(examples=["ok"])


@router.get("/healthz", response_model=Liveness, dependencies=[Depends(public())])
async def read_liveness() -> Liveness:
    """Liveness: the process answers (no database round trip; see /api/admin/health)."""
    return Liveness(status="ok")


def scraper(request: Request) -> None:
    """With ILS_METRICS_TOKEN set, only a caller sending it as `Authorization: Bearer <token>` may scrape."""
    token = request.app.state.settings.metrics_token
    if not token:
        return
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), token.encode()):
        raise not_authenticated("Send the metrics token: Authorization: Bearer <ILS_METRICS_TOKEN>.")


@router.get("/metrics", dependencies=[Depends(public()), Depends(scraper)], response_class=Response,
            responses={200: {"content": {"text/plain": {"example": "ils_http_requests_total{...} 12.0"}},
                             "description": "Prometheus text exposition"}, **responses(401)})
def read_metrics(request: Request) -> Response:
    """Prometheus metrics of all workers (multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set)."""
    metrics.update_pool(request.app.state.gateway.stats())
    health.refresh_outbox_metrics(request.app.state.gateway)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
