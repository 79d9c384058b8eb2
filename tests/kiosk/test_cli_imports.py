"""Importing the CLI loads no heavy library: `kiosk --help` and the kiosk's first frame do not wait for them."""

from __future__ import annotations

import json
import subprocess
import sys

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
