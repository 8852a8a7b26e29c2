"""The FastAPI application: routers per resource, domain errors turned into 4xx with their sentence."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app import __version__
from app.api import errors, mobile, reads, writes
from app.api.deps import plain_text


def create_app(factory: sessionmaker[Session]) -> FastAPI:
    app = FastAPI(title="Threadline integration API", version=__version__,
                  description="Purchase receipts, orders and shipments in; genealogy, recall lists, "
                              "inspections and certificate status out. Authenticate with "
                              "'Authorization: Bearer <token>'.",
                  dependencies=[Depends(plain_text)])
    app.state.factory = factory
    errors.install(app)
    app.include_router(writes.router)
    app.include_router(reads.router)
    app.include_router(mobile.router)
    return app
