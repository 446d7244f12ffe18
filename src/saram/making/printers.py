"""Printer drivers: what Saram asks of a networked printer, and OctoPrint's REST API doing it.

The interface (`PrinterDriver`) keeps OctoPrint one implementation among others (Moonraker or
PrusaLink can follow). Drivers speak HTTP only; they know nothing of jobs or the database, and
report failures as `PrinterError` with a reason code.
"""

from __future__ import annotations

import http.client
import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib import error, request


class PrinterFailure(StrEnum):
    OFFLINE = "printer_offline"
    REFUSED = "printer_refused"
    BUSY = "printer_busy"
    NOT_READY = "printer_not_ready"
    BAD_ANSWER = "printer_bad_answer"


class PrinterError(Exception):
    def __init__(self, reason: PrinterFailure, **params: object) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.params = params


class State(StrEnum):
    READY = "ready"
    PRINTING = "printing"
    PAUSED = "paused"
    ERROR = "error"
    OFFLINE = "offline"  # the server answers, the printer is not connected
    BUSY = "busy"  # connecting, cancelling, ...


@dataclass(frozen=True)
class Status:
    state: State
    text: str
    file: str | None
    progress_percent: float | None
    seconds_left: int | None
    nozzle_c: float | None
    nozzle_target_c: float | None
    bed_c: float | None
    bed_target_c: float | None


class PrinterDriver(Protocol):
    def status(self) -> Status: ...

    def upload(self, gcode: Path, *, name: str) -> str: ...

    def start(self, name: str) -> None: ...

    def cancel(self) -> None: ...


class OctoPrint:
    """OctoPrint's REST API with an API key (`X-Api-Key`)."""

    def __init__(self, url: str, api_key: str, *, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        expect: tuple[int, ...] = (200, 201, 204),
    ) -> tuple[int, Any]:
        headers = {"X-Api-Key": self.api_key, "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        req = request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with request.urlopen(req, timeout=self.timeout_s) as answer:
                code, raw = answer.status, answer.read()
        except error.HTTPError as exc:
            code, raw = exc.code, exc.read()
        except (error.URLError, OSError, http.client.HTTPException) as exc:
            raise PrinterError(PrinterFailure.OFFLINE, url=self.url) from exc
        if code == 409:
            # OctoPrint's answer when the printer is not operational or already printing.
            raise PrinterError(PrinterFailure.BUSY, detail=raw.decode("utf-8", "replace")[:200])
        if code in (401, 403):
            raise PrinterError(PrinterFailure.REFUSED, code=code)
        if code not in expect:
            raise PrinterError(PrinterFailure.BAD_ANSWER, code=code)
        if not raw:
            return code, None
        try:
            return code, json.loads(raw)
        except ValueError as exc:
            raise PrinterError(PrinterFailure.BAD_ANSWER, code=code) from exc

    def status(self) -> Status:
        """State, progress and temperatures (`GET /api/job`, `GET /api/printer`)."""
        _, job = self._call("GET", "/api/job")
        flags: dict[str, bool] = {}
        temps: dict[str, Any] = {}
        try:
            _, printer = self._call("GET", "/api/printer")
            flags = printer["state"]["flags"]
            temps = printer.get("temperature", {})
        except PrinterError as exc:
            if exc.reason != PrinterFailure.BUSY:  # 409: not connected to the printer
                raise
        text = str(job.get("state", ""))
        if not flags:
            state = State.OFFLINE
        elif flags.get("error") or flags.get("closedOrError"):
            state = State.ERROR
        elif flags.get("paused") or flags.get("pausing"):
            state = State.PAUSED
        elif flags.get("printing") or flags.get("cancelling"):
            state = State.PRINTING
        elif flags.get("ready") and flags.get("operational"):
            state = State.READY
        else:
            state = State.BUSY
        progress = job.get("progress") or {}
        tool = temps.get("tool0") or {}
        bed = temps.get("bed") or {}
        left = progress.get("printTimeLeft")
        return Status(
            state=state,
            text=text,
            file=((job.get("job") or {}).get("file") or {}).get("name"),
            progress_percent=progress.get("completion"),
            seconds_left=int(left) if left is not None else None,
            nozzle_c=tool.get("actual"),
            nozzle_target_c=tool.get("target"),
            bed_c=bed.get("actual"),
            bed_target_c=bed.get("target"),
        )

    def upload(self, gcode: Path, *, name: str) -> str:
        """Send the G-code to the printer's local storage (`POST /api/files/local`)."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        body = head + gcode.read_bytes() + tail
        _, answer = self._call(
            "POST",
            "/api/files/local",
            body=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        try:
            return str(answer["files"]["local"]["name"])
        except (KeyError, TypeError) as exc:
            raise PrinterError(PrinterFailure.BAD_ANSWER, code=201) from exc

    def start(self, name: str) -> None:
        """Select an uploaded file and print it (`POST /api/files/local/<name>`)."""
        body = json.dumps({"command": "select", "print": True}).encode()
        self._call("POST", f"/api/files/local/{name}", body=body, content_type="application/json")

    def cancel(self) -> None:
        body = json.dumps({"command": "cancel"}).encode()
        self._call("POST", "/api/job", body=body, content_type="application/json")

    def connect(self) -> None:
        body = json.dumps({"command": "connect"}).encode()
        self._call("POST", "/api/connection", body=body, content_type="application/json")
