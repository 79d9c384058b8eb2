"""A private CUPS scheduler with a cups-pdf queue, for tests and benchmarks.

`private_cupsd()` starts `cupsd -f` with its own configuration, spool, log and
state folders under one temporary folder, listening on 127.0.0.1 on a free port
and on a domain socket of its own, so it never meets the system's cupsd (port
631, /run/cups/cups.sock). It adds one cups-pdf queue and stops everything on
exit. A plain context manager, so the pytest fixture and the benchmarks share it.

cups-pdf reads its settings only from /etc/cups (the path is compiled in; its
per-queue PPD options cannot hold a path, as CUPS cuts PPD choices at '/'), so
the queue's device URI names an instance, `cups-pdf:/kiosk-test-XXXX`, whose
settings file `/etc/cups/cups-pdf-kiosk-test-XXXX.conf` points the output, spool
and log into the temporary folder. That one file is removed on exit, and stale
ones from a killed run are removed at the next start.

Needs root (the cups-pdf backend is mode 0700, so cupsd runs it only as root)
and the Debian packages cups and printer-driver-cups-pdf.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CupsTestServer", "CupsdUnavailable", "private_cupsd"]

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_CONF_DIR = Path("/etc/cups")
INSTANCE_PREFIX = "kiosk-test-"
INSTALL_HINT = "install the Debian packages: apt-get install -y --no-install-recommends cups printer-driver-cups-pdf"
_C_LOCALE = {"LC_ALL": "C", "LANG": "C"}


class CupsdUnavailable(RuntimeError):
    """The private cupsd could not be started; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class CupsTestServer:
    """A running private cupsd: where it listens, its queue, and where cups-pdf writes."""

    root: Path
    port: int
    socket_path: Path
    queue: str
    pdf_dir: Path

    @property
    def server(self) -> str:
        """The value for `-h` / `CupsPrinter(server=...)`: 127.0.0.1:PORT."""
        return f"127.0.0.1:{self.port}"

    def run(self, tool: str, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        """Run a CUPS tool (`cupsdisable`, `lpadmin`, …) against this server, in the C locale."""
        return subprocess.run(
            [tool, "-h", self.server, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **_C_LOCALE},
        )

    def output_of(self, handle: str, timeout: float = 30.0) -> Path:
        """The PDF cups-pdf wrote for a job (`QUEUE-N` or `N`), waiting for it to be complete."""
        job_id = handle.rsplit("-", 1)[-1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The PPD's Label 2 names files TITLE-job_N.pdf; the folder is ours alone.
            found = sorted(self.pdf_dir.glob(f"*job_{job_id}.pdf"))
            if found and _complete_pdf(found[0]):
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"cups-pdf wrote no PDF for job {handle} in {timeout:g} s; log:\n{self.error_log()}")

    def error_log(self, lines: int = 40) -> str:
        """The end of cupsd's and cups-pdf's logs, for failure messages."""
        out = []
        for log in sorted((self.root / "log").glob("*_log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(out)


@contextlib.contextmanager
def private_cupsd(queue: str = "KioskPDF", *, start_timeout: float = 30.0) -> Iterator[CupsTestServer]:
    """Start a private cupsd with one cups-pdf queue; stop it and remove its files on exit."""
    _check_prerequisites()
    _remove_stale_instances()
    root = Path(tempfile.mkdtemp(prefix="kiosk-cupsd-"))
    root.chmod(0o755)  # filters run as user lp and read the PPD and spool files below
    instance = f"{INSTANCE_PREFIX}{root.name.rsplit('-', 1)[-1]}"
    conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{instance}.conf"
    process: subprocess.Popen[bytes] | None = None
    try:
        process, port = _start(root, start_timeout)
        server = CupsTestServer(root, port, root / "cups.sock", queue, root / "pdf")
        _write_instance_conf(conf, root)
        _add_queue(server, instance)
        yield server
    finally:
        if process is not None:
            _stop(process)
        conf.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def _check_prerequisites() -> None:
    for tool in ("cupsd", "lpstat", "lpadmin", "lp", "ipptool"):
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
            raise CupsdUnavailable(f"{tool} is not installed: {INSTALL_HINT}")
    if not CUPS_PDF_PPD.is_file() or not CUPS_PDF_BACKEND.exists():
        raise CupsdUnavailable(f"cups-pdf is not installed ({CUPS_PDF_PPD} missing): {INSTALL_HINT}")
    if os.geteuid() != 0:
        raise CupsdUnavailable("the private cupsd needs root: the cups-pdf backend runs only as root")


def _remove_stale_instances() -> None:
    # A run killed before its clean-up leaves its settings file behind, pointing at a removed folder.
    for conf in CUPS_PDF_CONF_DIR.glob(f"cups-pdf-{INSTANCE_PREFIX}*.conf"):
        out = next((line.split(None, 1)[1] for line in conf.read_text().splitlines() if line.startswith("Out ")), "")
        if out and not Path(out).exists():  # an empty file may be one being written right now
            conf.unlink(missing_ok=True)


def _start(root: Path, start_timeout: float) -> tuple[subprocess.Popen[bytes], int]:
    """cupsd running and answering; a port taken in between is retried on another port."""
    for name in ("etc/ppd", "spool/tmp", "log", "cache", "state", "pdf", "pdf-spool"):
        (root / name).mkdir(parents=True, exist_ok=True)
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        _write_cupsd_conf(root, port)
        process = _spawn(root)
        last_error = _wait_until_running(process, root, port, start_timeout)
        if not last_error:
            return process, port
        _stop(process)
    raise CupsdUnavailable(last_error)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_cupsd_conf(root: Path, port: int) -> None:
    etc = root / "etc"
    (etc / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nListen {root / 'cups.sock'}\n"
        "LogLevel info\nBrowsing No\nBrowseLocalProtocols none\nWebInterface No\n"
        "DefaultAuthType None\nDefaultEncryption Never\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
        "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
        "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (etc / "cups-files.conf").write_text(
        f"ServerRoot {etc}\nRequestRoot {root / 'spool'}\nTempDir {root / 'spool/tmp'}\n"
        f"CacheDir {root / 'cache'}\nStateDir {root / 'state'}\n"
        f"AccessLog {root / 'log/access_log'}\nErrorLog {root / 'log/error_log'}\n"
        f"PageLog {root / 'log/page_log'}\nPrintcap {root / 'state/printcap'}\n"
        "User lp\nGroup lp\nSystemGroup root\n"
    )


def _spawn(root: Path) -> subprocess.Popen[bytes]:
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    etc = root / "etc"
    with open(root / "log/cupsd.out", "ab") as out:
        return subprocess.Popen(
            [cupsd, "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **_C_LOCALE},
            start_new_session=True,  # Ctrl-C in pytest must not reach it
        )


def _wait_until_running(process: subprocess.Popen[bytes], root: Path, port: int, timeout: float) -> str:
    """ "" once `lpstat -r` says the scheduler runs; otherwise why it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = _read(root / "log/cupsd.out") + _read(root / "log/error_log")
            return f"cupsd exited with status {process.returncode}:\n{logs}"
        answer = subprocess.run(
            ["lpstat", "-h", f"127.0.0.1:{port}", "-r"],
            check=False,
            capture_output=True,
            text=True,
            timeout=5,
            env={**os.environ, **_C_LOCALE},
        )
        if answer.stdout.strip() == "scheduler is running":
            return ""
        time.sleep(0.05)
    return f"cupsd did not answer on 127.0.0.1:{port} within {timeout:g} s:\n{_read(root / 'log/error_log')}"


def _write_instance_conf(conf: Path, root: Path) -> None:
    # Written whole, then renamed: a run starting in parallel must never read it half-written.
    part = conf.with_name(f".{conf.name}.part")
    part.write_text(f"Out {root / 'pdf'}\nSpool {root / 'pdf-spool'}\nLog {root / 'log'}\nGrp lp\n")
    part.replace(conf)


def _add_queue(server: CupsTestServer, instance: str) -> None:
    added = server.run(
        "lpadmin", "-p", server.queue, "-E", "-v", f"cups-pdf:/{instance}", "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
    )
    if added.returncode != 0:
        raise CupsdUnavailable(f"lpadmin could not add the cups-pdf queue {server.queue}: {added.stderr.strip()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # cupsd stops its filters and backends on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _complete_pdf(path: Path) -> bool:
    # cups-pdf writes through Ghostscript: the file exists before its last byte does.
    try:
        return path.stat().st_size > 0 and b"%%EOF" in path.read_bytes()[-1024:]
    except OSError:
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-4000:]
    except OSError:
        return ""
