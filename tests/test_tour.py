"""`make tour` inside the test suite: the real App through every screen; fails with the tour's failures.

Select it alone with `pytest -m tour`, or leave it out with `-m "not tour"`.
The pictures and the index page stay in test-artifacts/tour/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.tour
def test_the_tour_passes_every_step() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.tour"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200
    )
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAIL ")]
    summary = "\n".join(failures[:60]) or done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, f"the tour failed (see test-artifacts/tour/index.html):\n{summary}"
