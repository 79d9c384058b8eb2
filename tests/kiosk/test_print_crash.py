"""`kiosk print` killed with SIGKILL at each step of a job: after a restart it printed once or is flagged for staff.

The receipt printer is the recording ESC/POS emulator on 127.0.0.1, which
counts every connection, so a second print of a job would show. The kill comes
from the process itself at a named checkpoint (`KIOSK_KILL_AT`, kiosk.jobs),
so each step is hit exactly.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from tests.kiosk.test_cli import kiosk
from tests.printing.escpos_emulator import EscposEmulator

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

INDEX_NO = "003232741/2008-00001"
MARK = "任务号：0001".encode("gb18030")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("print-crash")
    assert kiosk(home, "demo-content", "--count", "5").returncode == 0
    return home


def _prints(emulator: EscposEmulator) -> int:
    emulator.wait_for(len(emulator.connections), timeout=5)
    return sum(MARK in bytes(c.data) for c in emulator.connections)


@pytest.mark.parametrize(
    "checkpoint, state, printed",
    [
        ("queued", "done", 1),  # recorded, not sent: the restart sends it
        ("handoff", "check_printer", 0),  # about to send: nobody can know, staff look
        ("sent", "check_printer", 1),  # sent, not recorded: staff look, it is not sent again
        ("recorded", "done", 1),  # sent and recorded
    ],
)
def test_a_kill_at_each_step_prints_once_or_flags_the_job(
    prepared: Path, tmp_path: Path, checkpoint: str, state: str, printed: int
) -> None:
    home = tmp_path / "home"
    shutil.copytree(prepared, home)
    with EscposEmulator("record") as emulator:
        env = {"KIOSK_PRINTING_RECEIPT": emulator.uri}
        killed = kiosk(home, "print", INDEX_NO, "--to", "receipt", env=env | {"KIOSK_KILL_AT": checkpoint})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        restarted = kiosk(home, "jobs", "resume", "--wait", "10", env=env)
        assert restarted.returncode == 0, restarted.stderr
        expected = "no job to send" if checkpoint == "recorded" else f"job 0001: {state}"  # done before the kill
        assert expected in restarted.stdout
        again = kiosk(home, "jobs", "resume", "--wait", "5", env=env)  # a second restart changes nothing
        assert again.returncode == 0 and "job 0001" not in again.stdout
        assert _prints(emulator) == printed
    jobs = __import__("json").loads(kiosk(home, "jobs", "list", "--json").stdout)["jobs"]
    assert [(j["job_no"], j["state"]) for j in jobs] == [("0001", state)]
