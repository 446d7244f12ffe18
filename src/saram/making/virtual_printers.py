"""Real OctoPrint servers with the bundled virtual printer, on loopback (tests and the demo).

OctoPrint lives in its own virtualenv, made by `scripts/octoprint install`; this module only
writes each server's configuration, starts the processes and waits until their printer is ready.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from saram.making.printers import OctoPrint, PrinterError, State

REPO = Path(__file__).resolve().parents[3]


def executable() -> Path:
    venv = os.environ.get("SARAM_OCTOPRINT_VENV") or str(REPO / ".venv-octoprint")
    return Path(venv) / "bin" / "octoprint"


@dataclass
class Server:
    url: str
    api_key: str
    basedir: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def driver(self) -> OctoPrint:
        return OctoPrint(self.url, self.api_key)

    def stop(self) -> None:
        """End this server (its whole process group): the printer goes offline."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(api_key: str, *, fast: bool) -> str:
    # fast: no line throttling and an ambient temperature above any target, so heating is
    # instant; the printer otherwise behaves as OctoPrint's virtual printer always does. It
    # also waits out each move (a tenth of its real time): a speed factor of 100 (M220 before
    # every print) makes a 3-hour print take minutes, bounded by the lines sent.
    virtual = (
        "    throttle: 0.0\n    ambientTemperature: 260.0\n    waitInterval: 0.2\n" if fast else ""
    )
    scripts = "scripts:\n  gcode:\n    beforePrintStarted: M220 S10000\n" if fast else ""
    return (
        "server:\n  firstRun: false\n  onlineCheck:\n    enabled: false\n"
        "  pluginBlacklist:\n    enabled: false\n"
        f"api:\n  key: {api_key}\n"
        "plugins:\n  virtual_printer:\n    enabled: true\n"
        f"{virtual}"
        "  tracking:\n    enabled: false\n  announcements:\n    enabled: false\n"
        "  health_check:\n    enabled: false\n"
        "serial:\n  port: VIRTUAL\n  autoconnect: true\n  baudrate: 0\n"
        f"{scripts}"
    )


def _listen(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


def start(
    count: int, basedir: Path, *, fast: bool = False, port: int | None = None
) -> list[Server]:
    """Start `count` servers; raise RuntimeError when OctoPrint is not installed."""
    exe = executable()
    if not exe.is_file():
        raise RuntimeError(f"OctoPrint is not installed at {exe}: run scripts/octoprint install")
    servers = []
    for i in range(count):
        folder = basedir / f"octoprint{i}"
        folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        (folder / "config.yaml").write_text(_config(key, fast=fast), encoding="utf-8")
        p = port + i if port else _free_port()
        log = (folder / "serve.log").open("ab")
        process = subprocess.Popen(
            [str(exe), "serve", "--iknowwhatimdoing", "--basedir", str(folder), *_listen(p)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        servers.append(Server(f"http://127.0.0.1:{p}", key, folder, process))
    return servers


def wait_ready(servers: list[Server], *, timeout_s: float = 120.0) -> None:
    """Wait until each server's virtual printer is connected and ready."""
    deadline = time.monotonic() + timeout_s
    for server in servers:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"OctoPrint at {server.url} exited; see {server.basedir}")
            try:
                if server.driver().status().state == State.READY:
                    break
            except PrinterError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"OctoPrint at {server.url} not ready in {timeout_s:.0f} s")
            time.sleep(0.5)
