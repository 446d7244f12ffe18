"""The `saram` command: argument parsing, Django commands, audit verification, serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

from saram import cli
from saram.core import audit
from saram.core.models import AuditAction, AuditEntry
from saram.core.services import demo

SRC = Path(cli.__file__).resolve().parent.parent


def test_demo_defaults() -> None:
    args = cli.parse_demo([])
    assert (args.residents, args.serve, args.db, args.port) == (30_000, True, None, 8000)
    assert cli.DEFAULT_RESIDENTS == demo.DEFAULT_RESIDENTS


def test_demo_options() -> None:
    args = cli.parse_demo(
        ["--residents", "1,000,000", "--no-serve", "--db", "postgres://h/saram", "--port", "9000"]
    )
    assert (args.residents, args.serve, args.db, args.port) == (
        1_000_000, False, "postgres://h/saram", 9000,
    )  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [["--residents", "-5"], ["--residents", "many"], ["--port", "0"], ["--port", "70000"],
     ["--serve"]],
)  # fmt: skip
def test_bad_demo_options_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_demo(argv)
    assert exit_.value.code == 2
    assert "saram demo" in capsys.readouterr().err


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "saram demo" in out and "saram audit verify" in out and "saram load_city" in out


@pytest.mark.parametrize("argv", [["audit", "verify"], ["manage", "audit", "verify"]])
def test_other_commands_go_to_django(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "manage", lambda args: seen.append(list(args)) or 0)
    assert cli.main(argv) == 0
    assert seen == [["audit", "verify"]]


def test_db_option_sets_the_database_for_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # setenv (not delenv) so that monkeypatch restores the environment afterwards.
    monkeypatch.setenv("SARAM_DATABASE_URL", "")
    monkeypatch.setattr(cli, "port_is_free", lambda port: False)  # stop before Django
    assert cli.main(["demo", "--db", "sqlite:////tmp/elsewhere.sqlite3"]) == 1
    assert os.environ["SARAM_DATABASE_URL"] == "sqlite:////tmp/elsewhere.sqlite3"


def test_a_django_command_runs_and_its_exit_code_is_kept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["help", "load_city"]) == 0
    assert "city.json" in capsys.readouterr().out
    assert cli.main(["no_such_command"]) == 1


@pytest.mark.django_db
def test_audit_verify_passes_on_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        audit.record(actor=None, action=AuditAction.VIEW, target_type="person", target_id=n,
                     purpose="상담")  # fmt: skip
    assert cli.main(["audit", "verify"]) == 0
    assert "3건" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify_fails_after_an_entry_is_edited(capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        audit.record(actor=None, action=AuditAction.VIEW, target_type="person", target_id=n,
                     purpose="상담")  # fmt: skip
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET purpose = %s WHERE seq = %s", ["호기심", 2])
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "seq 2" in err and "changed" in err


@pytest.mark.django_db
def test_audit_verify_fails_after_the_last_entry_is_removed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for n in range(3):
        audit.record(actor=None, action=AuditAction.VIEW, target_type="person", target_id=n,
                     purpose="상담")  # fmt: skip
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq = %s", [3])
    assert cli.main(["audit", "verify"]) == 1
    assert "seq 3" in capsys.readouterr().err


def test_gunicorn_serves_saram_on_loopback_with_several_workers() -> None:
    command = cli.gunicorn_command(port=8123, workers=2, threads=4)
    assert "saram.wsgi:application" in command
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    workers, threads = cli.web_workers()
    assert 2 <= workers <= 4 and threads >= 2
    assert cli.worker_command()[-1] == "worker"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVE_SCRIPT = """
import sys
from saram import cli
port, pidfile = int(sys.argv[1]), sys.argv[2]
cli.gunicorn_command = lambda **kw: [sys.executable, "-m", "http.server", str(port),
                                     "--bind", "127.0.0.1"]
cli.worker_command = lambda: [sys.executable, "-c",
    f"import os, time; open({pidfile!r}, 'w').write(str(os.getpid())); time.sleep(600)"]
sys.exit(cli.serve(port=port))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_starts_both_children_and_stops_them_on_a_signal(
    stop_signal: signal.Signals, tmp_path: Path
) -> None:
    port, pidfile = _free_port(), tmp_path / "worker.pid"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SERVE_SCRIPT), str(port), str(pidfile)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert parent.stdout is not None
        line = ""
        deadline = time.monotonic() + 30
        while "http://127.0.0.1" not in line and time.monotonic() < deadline:
            line = parent.stdout.readline() or line
        assert f"http://127.0.0.1:{port}/" in line
        for _ in range(100):
            if pidfile.exists() and pidfile.read_text():
                break
            time.sleep(0.05)
        worker_pid = int(pidfile.read_text())
        parent.send_signal(stop_signal)
        assert parent.wait(timeout=30) == 0
        assert cli.port_is_free(port)
        assert not _alive(worker_pid)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


RESTART_SCRIPT = """
import sys
from saram import cli
port, worker = int(sys.argv[1]), sys.argv[2]
cli.gunicorn_command = lambda **kw: [sys.executable, "-m", "http.server", str(port),
                                     "--bind", "127.0.0.1"]
cli.worker_command = lambda: [sys.executable, worker]
sys.exit(cli.serve(port=port))
"""

# The first worker lives a moment, then dies (as one killed mid-job would); the next stays.
DYING_WORKER = """
import os, sys, time
pidfile = sys.argv[0] + ".pids"
first = not os.path.exists(pidfile)
with open(pidfile, "a") as f:
    f.write(f"{os.getpid()}\\n")
if first:
    time.sleep(2)
    sys.exit(9)
time.sleep(600)
"""


def test_serve_restarts_a_worker_that_dies_and_the_site_stays_up(tmp_path: Path) -> None:
    port, worker = _free_port(), tmp_path / "worker.py"
    worker.write_text(DYING_WORKER)
    pidfile = tmp_path / "worker.py.pids"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(RESTART_SCRIPT), str(port), str(worker)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(600):
            if pidfile.exists() and len(pidfile.read_text().split()) >= 2:
                break
            time.sleep(0.05)
        pids = [int(p) for p in pidfile.read_text().split()]
        assert len(pids) == 2 and _alive(pids[1])
        assert parent.poll() is None and not cli.port_is_free(port)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        assert "restarting" in (parent.stderr.read() if parent.stderr else "")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_serve_reports_a_child_that_fails(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom saram import cli\n"
        "cli.gunicorn_command = lambda **kw: [sys.executable, '-c', 'raise SystemExit(3)']\n"
        "cli.worker_command = lambda: [sys.executable, '-c', 'import time; time.sleep(600)']\n"
        f"sys.exit(cli.serve(port={_free_port()}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "did not start" in done.stderr
