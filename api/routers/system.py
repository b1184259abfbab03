"""Liveness and Prometheus exposition: /healthz, /metrics (no auth)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from api import metrics
from api.deps import public
from api.models.common import ApiModel

router = APIRouter(tags=["system"])


class Liveness(ApiModel):
    status: str = Field(examples=["ok"])


@router.get("/healthz", response_model=Liveness, dependencies=[Depends(public())])
async def read_liveness() -> Liveness:
    """Liveness: the process answers (no database round trip; see /api/admin/health)."""
    return Liveness(status="ok")


@router.get("/metrics", dependencies=[Depends(public())], response_class=Response,
            responses={200: {"content": {"text/plain": {"example": "ils_http_requests_total{...} 12.0"}},
                             "description": "Prometheus text exposition"}})
def read_metrics(request: Request) -> Response:
    """Prometheus metrics of all workers (multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set)."""
    metrics.update_pool(request.app.state.gateway.stats())
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
