"""Figure: uploads an attacker would send are refused within 5 s, the worker stays under 500 MB,
and another user's page stays within 2x of its idle p95.

Runs Saram as `saram demo` does (gunicorn + `saram worker`, the product's own settings: the
upload cap is SARAM_UPLOAD_MAX_MB as deployed, 100 MB by default) on a temporary SQLite
database with the demo loaded, then, logged in as the demo welfare officer, uploads through the
people import page, one after the other:
  - a 200 MB CSV of bad rows: over the cap, so the web server refuses it while it streams in
    (the size check stops reading the request; the rest of the body is never read),
  - a CSV of bad rows just under the cap: the largest file that reaches the task worker, whose
    reader refuses it at the row limit,
  - a 12 MB XLSX zip bomb (real XML rows that unpack to hundreds of MB),
  - a CSV whose header has 1,000,000 columns.
Each is timed from the start of the upload to the refusal the user sees (the page's message for
the web server's refusal, the job's error code otherwise; both are checked).
The worker's peak memory is its own high-water mark (VmHWM) plus the largest high-water mark
seen of the reader child it starts. Meanwhile the demo procurement officer requests the
economy start page again and again; its p95 during the attacks is compared with its idle p95,
measured first in the same run. The refusal's baseline is the same path refusing a one-row bad
file; the memory's baseline is the worker's own high-water mark before the attacks.

    PYTHONPATH=src .venv/bin/python bench/upload_abuse.py [--residents N]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import threading
import time
import zipfile
from pathlib import Path

from _common import (
    Client,
    PageProbe,
    bench_environment,
    django_setup,
    load_demo,
    login,
    percentile,
    result,
    task_worker,
    web_server,
)

PEOPLE_HEADER = "주민등록번호,이름,행정동코드,주소,전화,1인가구,정보활용동의\n"
PAGE = "/economy/"


def make_bad_csv(path: Path, megabytes: int) -> None:
    """Rows whose every cell is wrong (number, dong code, flags), to the given size."""
    rng = random.Random(9)
    block = "".join(
        f"{rng.randrange(10**12):013d},x{n},99999,주소 {n},전화,아마,글쎄\n" for n in range(20_000)
    ).encode()
    with path.open("wb") as f:
        f.write(PEOPLE_HEADER.encode())
        while f.tell() < megabytes * 1_000_000:
            f.write(block)


def make_zip_bomb(path: Path, megabytes: int) -> int:
    """A valid XLSX whose one sheet is real rows of numbers, written until the archive reaches
    the given size; returns the sheet's unpacked size."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(PEOPLE_HEADER.strip().split(","))
    plain = io.BytesIO()
    book.save(plain)
    rng = random.Random(12)
    rows = [
        "<row>" + "".join(f"<c t='n'><v>{rng.randrange(10)}</v></c>" for _ in range(7)) + "</row>"
        for _ in range(1000)
    ]
    chunk = "".join(rows).encode() * 64
    unpacked = 0
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bomb,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with bomb.open(item.filename, "w", force_zip64=True) as member:
                member.write(head)
                while bomb.fp is not None and bomb.fp.tell() < megabytes * 1_000_000:
                    member.write(chunk)
                    unpacked += len(chunk)
                member.write(b"</sheetData>" + tail)
    return unpacked


def make_wide_header(path: Path, columns: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(f"열{i}" for i in range(columns)) + "\n")
        f.write(",".join("1" for _ in range(10)) + "\n")


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc), every thread's."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class ChildWatch:
    """The largest high-water mark seen of any child of the worker (the reader)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for child in _children(self.pid):
                self.peak_mb = max(self.peak_mb, _vm_hwm_mb(child))
            time.sleep(0.005)

    def __enter__(self) -> ChildWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_for_job(location: str, timeout_s: float = 180) -> tuple[str, dict]:
    from saram.core.models import Job, JobStatus

    job_id = location.rstrip("/").split("/")[-1]
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        job = Job.objects.filter(pk=job_id).first()
        if job is not None and job.status in (JobStatus.FAILED, JobStatus.SUCCEEDED):
            return job.status, job.result
        time.sleep(0.02)
    raise SystemExit(f"job {job_id} did not finish in {timeout_s} s")


# What the import page shows when the web server refused an upload over the cap.
TOO_LARGE_TEXT = "파일이 너무 큽니다"


def attack(client: Client, file: Path) -> tuple[float, str, dict]:
    """Upload through the people import page; seconds until the refusal is there to see."""
    started = time.perf_counter()
    status = client.upload("/people/import/", file)
    if status == 302 and client.location.rstrip("/").endswith("/people/import"):
        # Refused by the web server: back to the form, whose page carries the message.
        page_status, text = client.request("GET", "/people/import/")
        seconds = time.perf_counter() - started
        if page_status == 200 and TOO_LARGE_TEXT in text:
            return seconds, "failed", {"code": "import_too_large", "_worker_s": 0.0}
        return seconds, f"HTTP {page_status} without the size message", {}
    if status != 302 or "/jobs/" not in client.location:
        return time.perf_counter() - started, f"HTTP {status} {client.location}", {}
    uploaded = time.perf_counter()
    job_status, outcome = wait_for_job(client.location)
    # After the web server's answer: the task worker's part (queue, read, refuse).
    outcome = outcome | {"_worker_s": time.perf_counter() - uploaded}
    return time.perf_counter() - started, job_status, outcome


def max_upload_bytes() -> int:
    from saram.core.imports.uploads import max_upload_bytes as cap

    return cap()


def _expected_for(file: Path) -> str:
    """Over the cap the web server refuses it; under, the reader refuses it at the row limit."""
    over = file.stat().st_size > max_upload_bytes()
    return "import_too_large" if over else "import_too_many_rows"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--csv-mb", type=int, default=200)
    parser.add_argument("--bomb-mb", type=int, default=12)
    parser.add_argument("--columns", type=int, default=1_000_000)
    parser.add_argument("--idle-s", type=float, default=8.0)
    args = parser.parse_args()
    with bench_environment("upload-abuse") as workdir:
        return run(args, workdir)


def run(args: argparse.Namespace, workdir: Path) -> int:
    started = time.perf_counter()
    load_demo(args.residents)
    django_setup(migrate=False)
    files = workdir / "attacks"
    files.mkdir()
    names = ("small.csv", "bad.csv", "at-cap.csv", "bomb.xlsx", "wide.csv")
    small, big, at_cap, bomb, wide = (files / n for n in names)
    small.write_text(PEOPLE_HEADER + "1234,x,1,x,,,\n", encoding="utf-8")
    make_bad_csv(big, args.csv_mb)
    # The largest upload the web server lets through (the cap, less the form's framing).
    cap_mb = max_upload_bytes() // 1_000_000 - 1
    make_bad_csv(at_cap, min(cap_mb, args.csv_mb))
    unpacked = make_zip_bomb(bomb, args.bomb_mb)
    make_wide_header(wide, args.columns)
    print(
        f"prepared demo ({args.residents:,} residents) and files in "
        f"{time.perf_counter() - started:.0f} s: bad CSV {big.stat().st_size / 1e6:.0f} MB "
        f"(upload cap {max_upload_bytes() / 1e6:.0f} MB) and {at_cap.stat().st_size / 1e6:.0f} MB, "
        f"zip bomb {bomb.stat().st_size / 1e6:.1f} MB ({unpacked / 1e6:,.0f} MB unpacked), "
        f"header {args.columns:,} columns ({wide.stat().st_size / 1e6:.1f} MB)",
        flush=True,
    )
    with web_server() as port, task_worker() as worker:
        time.sleep(3)  # the worker starts polling
        attacker = Client(port, login(port, "officer"))
        other = login(port, "procurement")
        check = Client(port, other)
        status, _text = check.request("GET", PAGE)
        check.close()
        if status != 200:
            print(f"{PAGE} answers HTTP {status} to the procurement officer", file=sys.stderr)
            return 1
        with PageProbe(port, other, PAGE) as probe, ChildWatch(worker.pid) as children:
            idle_start = time.perf_counter()
            time.sleep(args.idle_s)
            while len(probe.between(idle_start, time.perf_counter())) < 30:
                time.sleep(0.2)
            idle = probe.between(idle_start, time.perf_counter())
            baseline_s, baseline_status, _ = attack(attacker, small)
            worker_idle_mb = _vm_hwm_mb(worker.pid)
            children.peak_mb = 0.0
            outcomes = []
            busy_start = time.perf_counter()
            for name, file, expected in (
                (f"{args.csv_mb} MB CSV of bad rows", big, _expected_for(big)),
                (
                    f"{at_cap.stat().st_size / 1e6:.0f} MB CSV (under the cap)",
                    at_cap,
                    _expected_for(at_cap),
                ),
                (f"{args.bomb_mb} MB XLSX zip bomb", bomb, "import_unpacked_too_large"),
                (f"{args.columns:,}-column header", wide, "import_too_many_columns"),
            ):
                seconds, job_status, outcome = attack(attacker, file)
                code = outcome.get("code", "")
                print(
                    f"{name:<30} {job_status:<9} {code:<28} {seconds:6.2f} s "
                    f"(worker {outcome.get('_worker_s', 0):.2f} s)",
                    flush=True,
                )
                if job_status != "failed" or code != expected:
                    print(f"  expected a refusal {expected}, got {job_status} {code}")
                    return 1
                outcomes.append(seconds)
            busy = probe.between(busy_start, time.perf_counter())
        worker_peak_mb = _vm_hwm_mb(worker.pid)
        attacker.close()
    peak_mb = worker_peak_mb + children.peak_mb
    idle_p95, busy_p95 = percentile(idle, 95), percentile(busy, 95)
    print(
        f"baseline refusal (1 bad row) {baseline_s:.2f} s ({baseline_status}); worker high-water "
        f"mark {worker_idle_mb:.0f} MB idle, {worker_peak_mb:.0f} MB after; largest reader "
        f"child {children.peak_mb:.0f} MB; page {PAGE}: idle p95 {idle_p95:.1f} ms "
        f"({len(idle)} requests), during the attacks p95 {busy_p95:.1f} ms ({len(busy)} "
        f"requests, {probe.failures} failed)"
    )
    result("upload_abuse_refusal", max(outcomes), "s", baseline=baseline_s, target="<=5 s each")
    result(
        "upload_abuse_worker_peak_memory",
        peak_mb,
        "MB",
        baseline=worker_idle_mb,
        target="<=500 MB",
        digits=0,
    )
    result("upload_abuse_page_p95", busy_p95, "ms", baseline=idle_p95, target="ratio<=2", digits=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
