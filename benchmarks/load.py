"""A small bounded load loop (wrk-style): N connections hammer one URL for a fixed time.

Gunicorn's sync workers close every connection, so each request opens a fresh loopback
connection, for the API and the baseline alike.
"""

from __future__ import annotations

import asyncio
import time


async def _worker(host: str, port: int, request: bytes, until: float, counts: list, errors: list) -> None:
    while time.perf_counter() < until:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request)
        await writer.drain()
        data = await reader.read()
        writer.close()
        if data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200"):
            counts.append(1)
        else:
            errors.append(data[:200])


async def _run(host, port, request, seconds, connections):
    counts: list = []
    errors: list = []
    until = time.perf_counter() + seconds
    start = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, request, until, counts, errors) for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return len(counts) / elapsed, errors


def requests_per_second(
    host: str, port: int, path: str, *, headers: dict | None = None, seconds: float = 10, connections: int = 4
) -> float:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    rate, errors = asyncio.run(_run(host, port, request, seconds, connections))
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests to {path}: {errors[0]!r}")
    return rate
