"""The baseline of the cold-start rows: a bare Kivy app, one Label in the kiosk's font and window size.

Run as `python -m benchmarks.bare_kivy --width W --height H --font PATH` in a
fresh process; it prints the first frame's time from the process's start and
its peak memory in the words `kiosk run --exit-after-first-frame` uses, then quits.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def process_started_at() -> float:
    """The process's start on the time.monotonic() clock (Linux /proc), so the time includes the imports."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.monotonic() - (uptime - started)
    except (OSError, ValueError, IndexError):
        return time.monotonic()


def peak_mib() -> float:
    """VmHWM of this process in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


STARTED_AT = process_started_at()


def main() -> None:
    """Open the window, draw one Label, report the first frame, quit."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bare_kivy")
    parser.add_argument("--width", type=int, default=1080)
    parser.add_argument("--height", type=int, default=1920)
    parser.add_argument("--font", required=True, help="the TrueType font the Label uses")
    args = parser.parse_args()
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("graphics", "width", str(args.width))
    Config.set("graphics", "height", str(args.height))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    class Bare(App):
        def build(self) -> Label:
            Window.bind(on_flip=self.flipped)
            return Label(text="政府信息公开查阅", font_name=args.font, font_size=44)

        def flipped(self, _window: object) -> None:
            from kivy.graphics.opengl import glFinish

            glFinish()  # drawn means in pixels, as the kiosk counts its own first frame
            Window.unbind(on_flip=self.flipped)
            print(f"first frame drawn after {time.monotonic() - STARTED_AT:.3f} s", flush=True)
            Clock.schedule_once(lambda _dt: self.stop())

    Bare().run()
    print(f"peak memory (max RSS) {peak_mib():.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
