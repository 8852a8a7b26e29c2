"""The HTTP face of Threadline: the same services as the GUI and the CLI, for ERP/MES/WMS integrations
and the phone trace page. `create_app(factory)` builds the ASGI application on a session factory."""

from app.api.app import create_app

__all__ = ["create_app"]
