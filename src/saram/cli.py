"""The `saram` command.

    saram demo [--residents N] [--no-serve] [--db URL] [--port 8000]
        migrate, load the city and the demo (idempotent), collect static files, then serve:
        the web server (gunicorn) and the task worker (db_worker) until Ctrl-C
    saram audit verify          check the audit log's hash chain (exit 1 where it breaks)
    saram worker                the task worker (fails jobs a dead worker left running first)
    saram purge_uploads         remove uploads and kept error rows past SARAM_UPLOAD_KEEP_DAYS
    saram load_city DIR         load or update a city from its files
    saram <command> [...]       any Django management command (also `saram manage <command>`)

This module only parses arguments and runs processes; the work is in management commands and
services (`saram.core.management.commands.demo`, `saram.core.services.demo`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

SETTINGS_MODULE = "saram.settings"
DEFAULT_PORT = 8000
DEFAULT_RESIDENTS = 30_000  # the demo service's default; kept here so `--help` needs no Django
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `saram` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip())
        return 0
    refused = settings_refusal()
    if refused:
        print(f"saram: {refused}", file=sys.stderr)
        return 2
    if args[0] == "demo":
        return demo(parse_demo(args[1:]))
    if args[0] == "manage":
        args = args[1:]
    return manage(args)


def settings_refusal() -> str:
    """Why the settings refuse to load (production with weak keys, debug...), or ''."""
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415 -- Django only once settings are chosen

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as exc:
        return str(exc)
    return ""


def manage(args: Sequence[str]) -> int:
    """Run a Django management command as `saram <command>`."""
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- `saram --help` runs without Django

    try:
        execute_from_command_line(["saram", *args])
    except SystemExit as exit_:
        return exit_code(exit_.code)
    return 0


def exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


# --- saram demo ---------------------------------------------------------------------------------


def port_number(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, not {value}")
    return value


def residents_count(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the number of residents cannot be negative")
    return value


def demo_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saram demo",
        description="Prepare the demo city (idempotent) and serve it on this machine.",
    )
    parser.add_argument(
        "--residents",
        type=residents_count,
        default=DEFAULT_RESIDENTS,
        metavar="N",
        help=f"demo residents to load (default {DEFAULT_RESIDENTS:,}; 1000000 works)",
    )
    parser.add_argument(
        "--no-serve",
        dest="serve",
        action="store_false",
        help="prepare the database and static files, then exit",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL for this run (sets SARAM_DATABASE_URL), e.g. postgres://...",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port on {HOST} (default {DEFAULT_PORT})",
    )
    return parser


def parse_demo(args: Sequence[str]) -> argparse.Namespace:
    return demo_parser().parse_args(list(args))


def demo(args: argparse.Namespace) -> int:
    """Prepare the demo (management command `demo`), then serve it unless --no-serve."""
    if args.db:
        os.environ["SARAM_DATABASE_URL"] = args.db
    if args.serve and not port_is_free(args.port):
        print(
            f"saram: {HOST}:{args.port} is already in use; choose another --port", file=sys.stderr
        )
        return 1
    import django  # noqa: PLC0415 -- `saram --help` runs without Django
    from django.core.management import call_command  # noqa: PLC0415 -- `saram --help` runs without Django
    from django.core.management.base import CommandError  # noqa: PLC0415 -- `saram --help` runs without Django

    django.setup()
    try:
        call_command("demo", residents=args.residents)
    except CommandError as error:
        print(f"saram demo: {error}", file=sys.stderr)
        return 1
    if not args.serve:
        return 0
    from django.db import connections  # noqa: PLC0415 -- `saram --help` runs without Django

    connections.close_all()  # the children open their own
    printers = _demo_printers()  # the demo's virtual printers live as long as the site
    # With printers, jobs printing on them are followed every few seconds (cron in production).
    follow = [[sys.executable, "-m", "saram.cli", "follow_prints", "--every", "10"]]
    try:
        return serve(port=args.port, also=follow if printers else [])
    finally:
        for printer in printers:
            printer.stop()


# --- Serving: the web server and the task worker as child processes -----------------------------


def web_workers() -> tuple[int, int]:
    """(processes, threads per process) for gunicorn on this machine. Pages are CPU-bound
    Python, so processes (not threads, which share one interpreter lock) carry the load: two
    per core, so that kept-alive connections, each held by one process, spread over both cores
    instead of queueing in one; two threads each cover a request waiting on the database."""
    return min(4, max(2, 2 * (os.cpu_count() or 1))), 2


def gunicorn_command(*, port: int, workers: int, threads: int) -> list[str]:
    """How `saram demo` runs the web server (bench/pages.py measures exactly this)."""
    return [
        sys.executable, "-m", "gunicorn", "saram.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--timeout", "120",
        "--graceful-timeout", "10",
        "--log-level", "warning",
    ]  # fmt: skip


def worker_command() -> list[str]:
    """The task worker (django-tasks-db), taking tasks from every queue, after failing the
    jobs a dead worker left running."""
    return [sys.executable, "-m", "saram.cli", "worker"]


def child_environment() -> dict[str, str]:
    """This process's environment, with settings and the `saram` package importable."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    package_root = str(Path(__file__).resolve().parent.parent)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if package_root not in paths:
        env["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
    return env


def _die_with_parent() -> None:
    # Linux: if `saram demo` itself is killed, its children get SIGTERM instead of lingering.
    with contextlib.suppress(Exception):
        import ctypes  # noqa: PLC0415 -- only `saram demo` needs it, on Linux

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start(command: Sequence[str]) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches only us, and we stop the children in order."""
    return subprocess.Popen(
        list(command),
        env=child_environment(),
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_until_listening(
    port: int, children: Sequence[subprocess.Popen[bytes]], stopping: list[int]
) -> bool:
    """True once the port accepts connections; False if a child exits, a stop signal arrives
    or time runs out."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if stopping or any(child.poll() is not None for child in children):
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.1)
    return False


def stop(children: Sequence[subprocess.Popen[bytes]], timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM every child (both shut down gracefully on it), SIGKILL what is left after."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for child in children:
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _demo_printers() -> list[Any]:
    """The print service's OctoPrint virtual printers, when OctoPrint is installed."""
    from django.conf import settings  # noqa: PLC0415 -- Django only after django.setup()

    from saram.making.demo_printing import start_demo_printers  # noqa: PLC0415 -- Django models only after django.setup()

    try:
        printers = start_demo_printers(Path(settings.DATA_DIR))
    except (OSError, RuntimeError) as error:
        print(f"saram: OctoPrint not started ({error})", file=sys.stderr)
        return []
    if printers:
        print("saram: OctoPrint " + ", ".join(p.url for p in printers), flush=True)
    return printers


def serve(*, port: int, also: Sequence[Sequence[str]] = ()) -> int:
    """Run the web server and the task worker until Ctrl-C or SIGTERM, or until one fails;
    `also`: more commands to run beside them (stopped with them, not watched)."""
    stop_signals: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop_signals.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    workers, threads = web_workers()
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(start(gunicorn_command(port=port, workers=workers, threads=threads)))
        children.append(start(worker_command()))
        web, worker = children
        children.extend(start(command) for command in also)
        if wait_until_listening(port, children, stop_signals):
            print(
                f"\nSaram: http://{HOST}:{port}/  (웹 서버 {workers}×{threads}, 작업 처리기 1개; "
                "끝내려면 Ctrl-C)",
                flush=True,
            )
        elif not stop_signals:
            print("saram: the web server or the task worker did not start", file=sys.stderr)
            return 1
        while not stop_signals:
            if web.poll() is not None:
                print(f"saram: the web server stopped (exit {web.returncode})", file=sys.stderr)
                return 1
            if worker.poll() is not None:
                # A worker killed mid-job (out of memory, say) must not take the site down:
                # start another, which fails the job it left behind.
                print(
                    f"saram: the task worker stopped (exit {worker.returncode}); restarting it",
                    file=sys.stderr,
                )
                worker = start(worker_command())
                children[1] = worker
            time.sleep(0.2)
        print("\nsaram: stopping…", flush=True)
        return 0
    finally:
        stop(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
