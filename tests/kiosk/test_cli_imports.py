"""Importing the CLI loads no heavy library: `kiosk --help` and the kiosk's first frame do not wait for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pypinyin", "kivy", "reportlab", "httpx", "alembic", "cryptography", "escpos", "pypdf", "pypdfium2")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import json, sys, kiosk.cli; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_renderers_still_load_when_asked_for() -> None:
    code = ("import json, sys, printing, content_cache; printing.render_a4; content_cache.ContentCache; "
            "from content_cache.pinyin import pinyin_keys; "
            "print(json.dumps([pinyin_keys('财政预算'), 'reportlab' in sys.modules, 'pypinyin' in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["caizhengyusuan", "czys"], True, True]


def test_kiosk_run_draws_home_with_its_content_and_exits(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    env.pop("DISPLAY", None)
    env |= {"KIOSK_HOME": str(tmp_path), "KIOSK_CONTENT_DEMO_COUNT": "30"}
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--exit-after-first-frame"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("first frame drawn after") for line in lines)
    assert any(line.startswith("Home drawn after") for line in lines)
    assert any(line.startswith("peak memory") for line in lines)
    assert (tmp_path / "screenshots" / "01-home.png").is_file()  # the screenshot is of Home with its tiles
