"""What every benchmark shares: a temporary database (SQLite, or a fresh database in a
PostgreSQL cluster), the demo loaded into it, Saram's own web server and task worker, an HTTP
client that logs in and posts files, percentiles, and the RESULT line.

    from _common import bench_environment, result

    with bench_environment("upload-abuse") as workdir:   # settings point here before setup
        django_setup()
        ...
    result("ledger_import", 12.3, "s", baseline=4.1, target="<= 3x")

The RESULT line's ratio is always value / baseline, both measured in the same run.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


# --- The temporary database -------------------------------------------------------------------


@contextlib.contextmanager
def bench_environment(prefix: str, *, postgresql: bool = False) -> Iterator[Path]:
    """A temporary data directory and database for this run; settings are read at
    `django.setup()`, so call it inside. SQLite lives in the directory; with `postgresql` a
    fresh database is made in the cluster of SARAM_DATABASE_URL and dropped afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"saram-bench-{prefix}-"))
    saved = dict(os.environ)
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    os.environ.setdefault("SARAM_ENV", "demo")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    os.environ.pop("DATABASE_URL", None)
    dropped = ""
    if postgresql:
        dropped = _fresh_pg_database()
    else:
        os.environ.pop("SARAM_DATABASE_URL", None)
    try:
        yield workdir
    finally:
        if dropped:
            _drop_pg_database(dropped)
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(workdir, ignore_errors=True)


def _fresh_pg_database() -> str:
    import psycopg

    url = os.environ["SARAM_DATABASE_URL"]
    name = f"saram_bench_{uuid.uuid4().hex[:8]}"
    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["SARAM_DATABASE_URL"] = f"{base}/{name}"
    return f"{base}/postgres|{name}"


def _drop_pg_database(spec: str) -> None:
    import psycopg

    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    admin_url, name = spec.split("|")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django_setup(*, migrate: bool = True) -> None:
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def load_demo(residents: int) -> None:
    """`saram demo --no-serve` into the current database (its accounts, its city)."""
    subprocess.run(
        [sys.executable, "-m", "saram.cli", "demo", "--no-serve", "--residents", str(residents)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- Saram's own servers ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def web_server(*, env: dict[str, str] | None = None) -> Iterator[int]:
    """gunicorn exactly as `saram demo` runs it; yields its port."""
    from saram import cli

    port = free_port()
    workers, threads = cli.web_workers()
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        web = cli.start(cli.gunicorn_command(port=port, workers=workers, threads=threads))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        if not cli.wait_until_listening(port, [web], []):
            raise SystemExit("gunicorn did not start")
        yield port
    finally:
        cli.stop([web])


@contextlib.contextmanager
def task_worker(*, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """The task worker exactly as `saram demo` runs it."""
    from saram import cli

    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        worker = cli.start(cli.worker_command())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        yield worker
    finally:
        cli.stop([worker])


# --- The HTTP client --------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP/1.1 client for one server, carrying the session's cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = dict(cookies or {})

    def _headers(self, path: str) -> dict[str, str]:
        return {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, str]:
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self.location = response.headers.get("Location", "")
        return response.status, text

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = self._headers(path)
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self._send(method, path, data, headers)

    def upload(self, path: str, file: Path, fields: dict[str, str] | None = None) -> int:
        """POST a file as a browser form does (multipart), streamed from disk; the status."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                **(fields or {}),
            }.items()
        ]
        head = (
            b"".join(parts)
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        headers = self._headers(path)
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        headers["Content-Length"] = str(len(head) + file.stat().st_size + len(tail))
        # A new connection: the server may close one after refusing a body.
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.connection.putrequest("POST", path)
        for key, value in headers.items():
            self.connection.putheader(key, value)
        self.connection.endheaders()
        self.connection.send(head)
        try:
            with file.open("rb") as f:
                while chunk := f.read(1 << 20):
                    self.connection.send(chunk)
            self.connection.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading (a refused upload): read its answer
        response = self.connection.getresponse()
        response.read()
        self.location = response.headers.get("Location", "")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        # A server that stopped reading the body closes the connection: start a new one.
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return response.status

    def close(self) -> None:
        self.connection.close()


def login(port: int, username: str) -> dict[str, str]:
    """Cookies of a logged-in session of a demo account."""
    from saram.core.services.demo import DEMO_PASSWORD

    client = Client(port)
    _status, form = client.request("GET", "/accounts/login/")
    token = client.cookies.get("csrftoken")
    if token is None:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        token = found.group(1) if found else ""
    status, _text = client.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    client.close()
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login of {username} failed: HTTP {status}")
    return client.cookies


# --- Timing -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q))


class PageProbe:
    """Requests one page over and over in a thread (another user's browsing), keeping each
    latency with the time it was taken, so a window of the run can be read later."""

    def __init__(self, port: int, cookies: dict[str, str], path: str, pause_s: float = 0.02):
        self.port, self.cookies, self.path, self.pause_s = port, cookies, path, pause_s
        self.samples: list[tuple[float, float]] = []  # (started at, milliseconds)
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        client = Client(self.port, self.cookies)
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                status, _text = client.request("GET", self.path)
            except (OSError, http.client.HTTPException):
                client.close()
                client = Client(self.port, self.cookies)
                status = 0
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.samples.append((started, elapsed_ms))
            if status != 200:
                self.failures += 1
            time.sleep(self.pause_s)
        client.close()

    def __enter__(self) -> PageProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> list[float]:
        return [ms for at, ms in self.samples if start <= at <= end]


def result(
    name: str, value: float, unit: str, *, baseline: float, target: str = "", digits: int = 2
) -> str:
    """The closing line: value, baseline and their exact quotient, and the target if any."""
    value, baseline = round(value, digits), round(baseline, digits)
    ratio = value / baseline if baseline else float("inf")
    line = (
        f"RESULT {name} {value:.{digits}f} {unit} baseline={baseline:.{digits}f} ratio={ratio:.4f}"
    )
    if target:
        line += f" target={target}"
    print(line, flush=True)
    return line
