"""The integration API under load, over real HTTP on loopback: purchase receipts ingested per second (one per
request, and through the batch endpoint) and trace latency (median/p95) with N concurrent clients, on SQLite
and PostgreSQL. The server is `threadline serve` in its own process; the load generator is httpx (async).

    .venv/bin/python benchmarks/bench_api.py --backend both --units 200 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.models import Item, PartDefinition, Supplier, Tracking  # noqa: E402
from app.services.api_tokens import SCOPES, create_token  # noqa: E402
from app.services.demo import DEMO_PASSWORD  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from benchmarks.common import demo_plant, scratch_database  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, data_dir: str) -> subprocess.Popen:
    env = {**os.environ, "THREADLINE_DATA_DIR": data_dir, "THREADLINE_CONFIG_DIR": data_dir}
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", url, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start: {proc.stdout.read().decode() if proc.stdout else ''}")


def receipt(part: str, supplier: str, n: int) -> dict:
    return {"part_number": part, "supplier": supplier, "supplier_lot": f"B-{uuid.uuid4().hex[:10]}",
            "quantity": 5 + n % 7, "heat_number": f"H-{n:06d}", "material_cert_ref": f"3.1/{n}"}


def bench_receipts(base: str, headers: dict, part: str, supplier: str, singles: int, batches: int,
                   batch_size: int) -> tuple[float, float]:
    with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
        start = time.perf_counter()
        for n in range(singles):
            r = http.post("/api/v1/receipts", json=receipt(part, supplier, n),
                          headers={"Idempotency-Key": str(uuid.uuid4())})
            assert r.status_code == 201, r.text
        single_rate = singles / (time.perf_counter() - start)
        start = time.perf_counter()
        for b in range(batches):
            first = 10_000 + b * batch_size
            body = {"receipts": [receipt(part, supplier, first + i) for i in range(batch_size)]}
            r = http.post("/api/v1/receipts/batch", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
            assert r.status_code == 201 and r.json()["received"] == batch_size, r.text
        batch_rate = batches * batch_size / (time.perf_counter() - start)
    return single_rate, batch_rate


async def bench_traces(base: str, headers: dict, paths: list[str], clients: int,
                       requests: int) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, limits=limits) as http:
        async def client(seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(requests):
                path = rng.choice(paths)
                start = time.perf_counter()
                r = await http.get(path, params={"limit": 200})
                latencies.append(time.perf_counter() - start)
                assert r.status_code == 200, r.text

        await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies


def run(backend: str, args: argparse.Namespace) -> None:
    with scratch_database(backend) as url:
        engine, factory = demo_plant(url, args.units, 42, backend)
        with factory() as session:
            part = session.scalar(select(PartDefinition.part_number)
                                  .where(PartDefinition.tracking == Tracking.LOT)
                                  .order_by(PartDefinition.part_number))
            supplier = session.scalar(select(Supplier.code).order_by(Supplier.code))
            serials = list(session.scalars(select(Item.code).where(Item.is_serial, Item.code.like("VA-%"))))
            lots = list(session.scalars(select(Item.code).where(Item.code.like("GR-%"))))
        admin = authenticate(factory, "admin", DEMO_PASSWORD)
        secret = create_token(factory, admin, "bench", sorted(SCOPES)).secret
        engine.dispose()
        headers = {"Authorization": f"Bearer {secret}"}
        port = free_port()
        server = start_server(url, port, args.data_dir)
        base = f"http://127.0.0.1:{port}"
        try:
            single, batch = bench_receipts(base, headers, part, supplier, args.singles, args.batches,
                                           args.batch_size)
            paths = [f"/api/v1/trace/reverse/{s}" for s in serials[:200]] + \
                    [f"/api/v1/trace/forward/{lot}" for lot in lots[:50]]
            start = time.perf_counter()
            latencies = asyncio.run(bench_traces(base, headers, paths, args.clients, args.requests))
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=10)
        ms = sorted(x * 1000 for x in latencies)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(f"{backend:<10} receipts/s single {single:7.1f}   batch({args.batch_size}) {batch:7.1f}   "
              f"trace ({args.clients} clients, {len(ms)} requests, {len(ms) / wall:6.1f} req/s): "
              f"median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--units", type=int, default=200, help="finished units in the demo plant")
    parser.add_argument("--singles", type=int, default=200, help="receipts sent one per request")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--clients", type=int, default=16, help="concurrent trace clients")
    parser.add_argument("--requests", type=int, default=25, help="trace requests per client")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="threadline-bench-api-") as data_dir:
        args.data_dir = data_dir
        for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
            run(backend, args)


if __name__ == "__main__":
    main()
