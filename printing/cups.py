"""A CUPS queue as the document printer, driven by the CUPS command-line tools.

`lp` hands a copy over, `cancel` withdraws it, `lpstat` says how the queue is.
How a finished job ended (completed, canceled or aborted) is only in its IPP
`job-state`, which `lpstat` never prints (`lpstat -W completed` lists all three
alike), so `progress` asks with `ipptool` (Debian package cups-ipp-utils, which
Debian's cups package pulls in). No pycups: it needs a C build.

Every command runs with a timeout and in the C locale, so its English output
can be parsed; the parsers are pure functions, tested on sample outputs.
"""

from __future__ import annotations

import os
import re
import subprocess
from urllib.parse import quote

from printing.base import JobProgress, PaperState, PrinterState, PrinterStatus
from printing.document import PrintKind
from printing.errors import OutcomeUnknown, PrinterUnavailable

__all__ = [
    "CupsPrinter",
    "ipp_job_uri",
    "job_title",
    "parse_job_state",
    "parse_printer_status",
    "parse_request_id",
]

TITLE_MAX_CHARS = 100
TITLE_MAX_BYTES = 255  # IPP's limit for a job-name, in UTF-8 octets
_C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
_REQUEST_ID = re.compile(r"request id is (\S+-\d+) \(")
_JOB_NUMBER = re.compile(r"(?:^|-)(\d+)$")
_JOB_STATE = re.compile(r"^\s*job-state \(enum\) = (\S+)\s*$", re.MULTILINE)
_PRINTER_LINE = re.compile(r"^printer \S+ (is idle|now printing \S+|disabled since)", re.MULTILINE)
_NOT_ACCEPTING = re.compile(r"^\S+ not accepting requests since [^\n]*\n\t([^\n]*)", re.MULTILINE)
_ALERTS = re.compile(r"^\tAlerts: (.*)$", re.MULTILINE)
# IPP job-state keywords (RFC 8011 §5.3.7) as the job queue reads them.
_PROGRESS: dict[str, JobProgress] = {
    "pending": "pending",
    "pending-held": "pending",
    "processing": "printing",
    "processing-stopped": "printing",
    "completed": "done",
    "canceled": "cancelled",
    "aborted": "failed",
}


class CupsPrinter:
    """A CUPS queue (`lpstat -p` lists them); `server` is passed as `-h` to every command."""

    def __init__(self, queue: str, *, server: str | None = None, timeout: float = 30.0) -> None:
        self.queue = queue
        self.server = server
        self.timeout = timeout
        self._ipp_host: str | None = None

    @property
    def name(self) -> str:
        """A human description of the printer, for staff."""
        return f"CUPS queue {self.queue}"

    def submit(self, job_no: str, kind: PrintKind, data: bytes, *, title: str = "") -> str:
        """Pipe a PDF to `lp`; return CUPS's request id (`QUEUE-123`).

        PrinterUnavailable when CUPS took nothing (queue missing or not accepting,
        scheduler down, `lp` missing or not answering in time); OutcomeUnknown only
        when `lp` was killed by a signal before it could say whether the job is queued.
        """
        if kind != "a4":
            raise ValueError(f"a CUPS queue prints A4 copies (PDF), not {kind!r}")
        try:
            done = self._run("lp", "-d", self.queue, "-t", job_title(job_no, title), input=data)
        except FileNotFoundError:
            raise PrinterUnavailable(self._cannot(job_no, "lp is not installed (Debian package cups-client)")) from None
        except subprocess.TimeoutExpired:  # CUPS may hold the document already: never resend it by itself
            raise OutcomeUnknown(
                f"lp did not answer within {self.timeout:g} s while sending print job {job_no} "
                f"to {self.name}: check `lpstat -o {self.queue}`"
            ) from None
        request_id = parse_request_id(done.stdout.decode(errors="replace"))
        if request_id is not None:
            return request_id  # CUPS holds the job, whatever lp did after saying so
        why = _first_line(done.stderr.decode(errors="replace")) or f"lp exited with status {done.returncode}"
        if done.returncode < 0:
            raise OutcomeUnknown(
                f"lp was killed while sending print job {job_no} to {self.name}: check `lpstat -o {self.queue}`"
            )
        raise PrinterUnavailable(self._cannot(job_no, self._explain(why)))

    def progress(self, handle: str) -> JobProgress:
        """The job's IPP state as the job queue reads it; "unknown" when CUPS cannot be asked or forgot the job."""
        job_uri = self._job_uri(handle)
        if job_uri is None:
            return "unknown"
        try:
            done = self._run(
                "ipptool", "-T", f"{self.timeout:g}", "-t", "-v", job_uri, "get-job-attributes.test", with_server=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        return parse_job_state(done.stdout.decode(errors="replace"))

    def cancel(self, handle: str) -> bool:
        """`cancel` the job; False when it already ended, is unknown to CUPS, or CUPS cannot be reached."""
        if _JOB_NUMBER.search(handle) is None:
            return False
        try:
            return self._run("cancel", handle).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    def status(self) -> PrinterStatus:
        """The queue's state from `lpstat -l -p QUEUE -a QUEUE`; offline with the reason when unreachable."""
        try:
            done = self._run("lpstat", "-l", "-p", self.queue, "-a", self.queue)
            if done.returncode == 0:
                return parse_printer_status(done.stdout.decode(errors="replace"))
            return PrinterStatus("offline", self._explain(_first_line(done.stderr.decode(errors="replace"))))
        except FileNotFoundError:
            return PrinterStatus("offline", "lpstat is not installed (Debian package cups-client)")
        except subprocess.TimeoutExpired:
            return PrinterStatus("offline", f"CUPS did not answer within {self.timeout:g} s")
        except OSError as exc:
            return PrinterStatus("offline", f"cannot run lpstat: {exc.strerror or exc}")

    def __repr__(self) -> str:
        return f"CupsPrinter({self.queue!r}, server={self.server!r})"

    def _run(
        self, tool: str, *args: str, input: bytes | None = None, with_server: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        server = ["-h", self.server] if with_server and self.server else []
        return subprocess.run(
            [tool, *server, *args],
            check=False,
            input=input,
            capture_output=True,
            timeout=self.timeout,
            env={**os.environ, **_C_LOCALE},
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    def _explain(self, why: str) -> str:
        """lp and lpstat blame the queue when the scheduler is down: ask `lpstat -r` which it is."""
        try:
            running = self._run("lpstat", "-r").stdout.decode(errors="replace").strip()
        except (OSError, subprocess.TimeoutExpired):
            return why
        if running == "scheduler is not running":
            where = f" at {self.server}" if self.server else ""
            return f"the CUPS scheduler{where} is not running"
        if "does not exist" in why or "Invalid destination" in why:
            return f"CUPS has no queue named {self.queue} (`lpstat -p` lists the queues)"
        return why

    def _cannot(self, job_no: str, why: str) -> str:
        return f"{self.name} did not take print job {job_no}: {why}."

    def _job_uri(self, handle: str) -> str | None:
        if self._ipp_host is None:
            self._ipp_host = self.server or self._default_server()
        return ipp_job_uri(self._ipp_host or "localhost", handle)

    def _default_server(self) -> str | None:
        """The server lp itself uses (CUPS_SERVER, client.conf or the local socket), as `lpstat -H` says."""
        try:
            answer = self._run("lpstat", "-H").stdout.decode(errors="replace").strip()
        except (OSError, subprocess.TimeoutExpired):
            return None  # ask again next time
        return answer or None


def job_title(job_no: str, title: str) -> str:
    """The job's CUPS title: `job_no title`, printable characters only, at most 100 characters and 255 bytes."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in f"{job_no} {title}").split())
    text = text[:TITLE_MAX_CHARS]
    while len(text.encode()) > TITLE_MAX_BYTES:
        text = text[:-1]
    return text.rstrip()


def parse_request_id(lp_output: str) -> str | None:
    """`QUEUE-123` from lp's `request id is QUEUE-123 (1 file(s))`; None when lp said no such thing."""
    match = _REQUEST_ID.search(lp_output)
    return match.group(1) if match else None


def ipp_job_uri(server: str, handle: str) -> str | None:
    """The IPP URI of a job for `ipptool`: `ipp://HOST[:PORT]/jobs/N`; a socket path is %-encoded as CUPS expects."""
    match = _JOB_NUMBER.search(handle)
    if match is None or not server:
        return None
    host = quote(server, safe="") if server.startswith("/") else server
    return f"ipp://{host}/jobs/{int(match.group(1))}"


def parse_job_state(ipptool_output: str) -> JobProgress:
    """What became of a job, from `ipptool -t -v URI get-job-attributes.test`; "unknown" without a job-state."""
    match = _JOB_STATE.search(ipptool_output)
    return _PROGRESS.get(match.group(1), "unknown") if match else "unknown"


def parse_printer_status(lpstat_output: str) -> PrinterStatus:
    """A queue's state from `lpstat -l -p QUEUE -a QUEUE` (C locale)."""
    match = _PRINTER_LINE.search(lpstat_output)
    if match is None:
        return PrinterStatus("unknown", _first_line(lpstat_output))
    message = _message_after(lpstat_output, match.end())
    reasons = _reasons(lpstat_output)
    paper = _paper(reasons)
    if match.group(1).startswith("disabled"):
        return PrinterStatus("stopped", message or "disabled", paper)
    rejecting = _NOT_ACCEPTING.search(lpstat_output)
    if rejecting is not None:
        return PrinterStatus("stopped", f"not accepting jobs: {rejecting.group(1).strip() or 'no reason given'}", paper)
    if "offline-report" in reasons:  # e.g. a USB printer switched off: jobs would only wait
        return PrinterStatus("offline", message or "the printer reports that it is offline", paper)
    state: PrinterState = "processing" if match.group(1).startswith("now printing") else "idle"
    return PrinterStatus(state, message, paper)


def _message_after(text: str, start: int) -> str:
    """The printer-state-message: the indented line after the `printer …` line (`-l`'s own lines start at
    `Form mounted:`)."""
    lines = text[start:].split("\n")[1:2]
    line = lines[0] if lines else ""
    if not line.startswith("\t") or line.startswith("\tForm mounted:"):
        return ""
    return line.strip()


def _reasons(text: str) -> list[str]:
    """The printer-state-reasons keywords, from the `Alerts:` line of `lpstat -l`."""
    alerts = _ALERTS.search(text)
    return alerts.group(1).replace(",", " ").split() if alerts else []


def _paper(reasons: list[str]) -> PaperState:
    if any(r.startswith(("media-empty", "media-needed")) for r in reasons):
        return "out"
    if any(r.startswith("media-low") for r in reasons):
        return "near_end"
    return "unknown"


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return re.sub(r"^(lp|lpstat|cancel): (Error - )?", "", line)
