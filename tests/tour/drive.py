"""One orientation of the tour in a process of its own: the real App in an offscreen window.

`python -m tests.tour.drive --orientation portrait --out DIR --result FILE --pin PIN [--part visit|idle]`
(the tour's runner starts it; KIOSK_HOME already holds the content and the PIN).
The window is made at its final size before Kivy first draws, so the pictures
are the window's own pixels in either orientation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def prepare_kivy(size: tuple[int, int]) -> None:
    """Kivy without a screen (as in tests/ui): its own home, no argv, no input devices, the window's size."""
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy_home_"))
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
    os.environ["KIVY_NO_FILELOG"] = "1"
    os.environ["KIVY_LOG_MODE"] = "PYTHON"  # Kivy's log lines go to kiosk.log with the App's
    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    for key, _ in Config.items("input"):
        Config.remove_option("input", key)


def open_window() -> Any:
    """The one window, made without App.run()."""
    from kivy.base import EventLoop
    from kivy.core.window import Window

    Window.create_window()
    Window.register()
    Window.initialized = True
    EventLoop.ensure_window()
    return Window


def run(orientation: str, out_dir: Path, pin: str, part: str, first_number: int) -> list[dict[str, Any]]:
    """Start the real services and App, walk the tour, stop everything; the steps as plain dicts."""
    from kiosk.bootstrap import build_services, ensure_content, setup_logging
    from kiosk.config import load_config
    from kiosk.print_worker import PrintWorker

    config = load_config()
    setup_logging(config)
    services = build_services(config)
    ensure_content(services.content, config)
    size = SIZES[orientation]
    prepare_kivy(size)
    window = open_window()
    from kiosk.app import KioskApp
    from tests.tour.steps import Tour

    worker = PrintWorker(services.queue)
    services.queue.on_change = worker.poke
    worker.start()
    app = KioskApp(
        services,
        font_path=str(services.settings.font_path),
        idle_timeout=config.settings.session.idle_timeout,
        idle_warning=config.settings.session.idle_warning,
        window_size=size,
        staff_taps=int(config.settings.staff.gesture_taps),
    )
    app.root = app.build()
    window.add_widget(app.root)
    app.dispatch("on_start")
    try:
        steps = Tour(app, out_dir, config.home / "logs" / "kiosk.log", pin).run(part, first_number)
    finally:
        app.dispatch("on_stop")
        worker.stop()
        services.close()
    return [asdict(step) | {"slug": step.slug} for step in steps]


def main(argv: list[str] | None = None) -> int:
    """Run one orientation and write its steps as JSON to --result."""
    parser = argparse.ArgumentParser(prog="python -m tests.tour.drive")
    parser.add_argument("--orientation", choices=sorted(SIZES), required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for the pictures")
    parser.add_argument("--result", type=Path, required=True, help="JSON file for the steps")
    parser.add_argument("--pin", required=True, help="the staff PIN set in KIOSK_HOME")
    parser.add_argument("--part", choices=("visit", "idle"), default="visit", help="which chapters to run")
    parser.add_argument("--first-number", type=int, default=1, help="the number of the first step's picture")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    steps = run(args.orientation, args.out, args.pin, args.part, args.first_number)
    args.result.write_text(json.dumps(steps, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
