"""`python -m tests.tour [--only portrait|landscape] [--out DIR]`: run the tour, write the pictures and the index.

Exit 0 when every step passed, 1 when any failed (the failures are printed
and listed in the index page), 2 when the tour could not start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.tour.report import write_index

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-artifacts" / "tour"
ORIENTATIONS = ("portrait", "landscape")
PIN = "482916"
# The tour's room: a small demo catalogue, every A4 copy held for staff.
SETTINGS = {
    "KIOSK_CONTENT_DEMO_COUNT": "2000",
    "KIOSK_PRINTING_RELEASE_ABOVE_PAGES": "0",
    # Mesa's software renderer draws offscreen; its worker threads keep spinning for seconds after a
    # frame, which a GPU's driver does not. Drawing on the App's own thread counts each frame's real cost.
    "LP_NUM_THREADS": "0",
}
# The visit runs with the idle warning out of the way however slow the machine; the idle part, alone, with a short one.
IDLE = {
    "visit": {"KIOSK_SESSION_IDLE_TIMEOUT": "600"},
    "idle": {"KIOSK_SESSION_IDLE_TIMEOUT": "12", "KIOSK_SESSION_IDLE_WARNING": "8"},
}
ORIENTATION_LIMIT = 400  # s: a tour that hangs is stopped and reported


def kiosk(home: Path, *args: str, stdin: str | None = None) -> None:
    """Run a `kiosk` command on `home`; stop the tour with its message when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=environment(home),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"tour set-up failed: kiosk {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")


def environment(home: Path) -> dict[str, str]:
    """The tour's environment: no display, no KIOSK_* from outside, the tour's settings."""
    outside = ("DISPLAY", "WAYLAND_DISPLAY")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_") and k not in outside}
    return env | SETTINGS | {"KIOSK_HOME": str(home)}


def prepare(template: Path) -> None:
    """A KIOSK_HOME with the demo content and the staff PIN, made once and copied for each orientation."""
    kiosk(template, "demo-content", "--count", SETTINGS["KIOSK_CONTENT_DEMO_COUNT"], "--seed", "1")
    kiosk(template, "staff", "set-pin", "--stdin", stdin=PIN + "\n")


def run_orientation(orientation: str, template: Path, work: Path, out: Path) -> list[dict[str, Any]]:
    """One orientation: the visit and, meanwhile, the idle part (it mostly waits), each in its own process."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        idle = pool.submit(run_part, orientation, "idle", template, work, work / f"{orientation}-idle-pictures")
        steps = run_part(orientation, "visit", template, work, out / orientation)
        return steps + renumbered(idle.result(), work / f"{orientation}-idle-pictures", out / orientation, len(steps))


def renumbered(steps: list[dict[str, Any]], source: Path, target: Path, after: int) -> list[dict[str, Any]]:
    """The idle part's steps and pictures, numbered on from the visit's."""
    for step in steps:
        step["number"] += after
        step["slug"] = f"{step['number']:02d}-{step['name']}"
        if step["picture"]:
            shutil.move(source / step["picture"], target / f"{step['slug']}.png")
            step["picture"] = f"{step['slug']}.png"
    return steps


def run_part(orientation: str, part: str, template: Path, work: Path, pictures: Path) -> list[dict[str, Any]]:
    """One part of the tour in its own process on a fresh copy of the prepared home; its steps."""
    home = work / f"{orientation}-{part}"
    shutil.copytree(template, home)
    result = work / f"{orientation}-{part}.json"
    command = [
        sys.executable,
        "-m",
        "tests.tour.drive",
        "--orientation",
        orientation,
        "--part",
        part,
        "--out",
        str(pictures),
        "--result",
        str(result),
        "--pin",
        PIN,
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            env=environment(home) | IDLE[part],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=ORIENTATION_LIMIT,
        )
        output, code = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, code = _text(expired.stdout) + _text(expired.stderr), None
    print(f"{orientation} {part}: {time.monotonic() - started:.0f} s", flush=True)
    if os.environ.get("TOUR_VERBOSE"):
        print(output, flush=True)
    steps = json.loads(result.read_text(encoding="utf-8")) if result.exists() else []
    trouble = _process_trouble(output, code, home)
    if trouble:
        number = len(steps) + 1
        steps.append(
            {
                "number": number,
                "name": f"{part}-process",
                "slug": f"{number:02d}-{part}-process",
                "picture": "",
                "settled_after": None,
                "cpu": [],
                "failures": trouble,
            }
        )
    return steps


def _text(output: bytes | str | None) -> str:
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else output or ""


def _process_trouble(output: str, code: int | None, home: Path) -> list[str]:
    """A tour process that crashed, hung, or printed a traceback."""
    trouble = []
    if code is None:
        trouble.append(f"the tour did not finish within {ORIENTATION_LIMIT} s")
    elif code != 0:
        trouble.append(f"the tour process ended with exit code {code}")
    if "Traceback" in output or code != 0:
        trouble.append("output of the tour process:\n" + output[-4000:])
    log = home / "logs" / "kiosk.log"
    if code != 0 and log.exists():
        trouble.append("end of kiosk.log:\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:])
    return trouble


def main(argv: list[str] | None = None) -> int:
    """Run the chosen orientations, write the index, print the failures; 1 when any step failed."""
    parser = argparse.ArgumentParser(prog="python -m tests.tour")
    parser.add_argument("--only", choices=ORIENTATIONS, help="one orientation instead of both")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the pictures go (default {OUT})")
    args = parser.parse_args(argv)
    orientations = [args.only] if args.only else list(ORIENTATIONS)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as work:
        template = Path(work) / "home"
        prepare(template)
        results = {o: run_orientation(o, template, Path(work), args.out) for o in orientations}
    index = write_index(args.out, results)
    failures = [(o, s) for o, steps in results.items() for s in steps if s["failures"]]
    for orientation, step in failures:
        for failure in step["failures"]:
            print(f"FAIL {orientation}/{step['slug']}: {failure}")
    passed = sum(len(steps) for steps in results.values()) - len(failures)
    print(f"tour: {passed} steps passed, {len(failures)} failed; pictures and index: {index}")
    return 1 if failures or not all(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
