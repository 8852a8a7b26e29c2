"""The deterministic demo plant generator: a small precision valve shop, from bar stock to complaints, written
in bulk in one transaction (see `plant.build_demo_plant`)."""

from app.services.demo.plant import DEMO_PASSWORD, DemoCancelled, DemoSummary, build_demo_plant

__all__ = ["DEMO_PASSWORD", "DemoCancelled", "DemoSummary", "build_demo_plant"]
