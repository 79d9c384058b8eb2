"""The tour's index page: every picture with its step's name, its measurements and its failures."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

_STYLE = """
body { font-family: sans-serif; margin: 1em; }
section { margin-bottom: 2em; }
.steps { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; width: 280px; border: 2px solid #2a7; padding: 4px; }
figure.failed { border-color: #c22; }
.landscape figure { width: 420px; }
img { width: 100%; }
figcaption { font-size: 0.85em; }
ul.failures { color: #c22; padding-left: 1.2em; }
pre { white-space: pre-wrap; font-size: 0.8em; }
"""


def write_index(out: Path, results: dict[str, list[dict[str, Any]]]) -> Path:
    """Write out/index.html for the steps of each orientation; its path."""
    failed = sum(1 for steps in results.values() for step in steps if step["failures"])
    summary = "every step passed" if not failed else f"{failed} steps failed"
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>Kiosk tour</title><style>{_STYLE}</style>",
        f"<h1>Kiosk tour: {escape(summary)}</h1>",
    ]
    for orientation, steps in results.items():
        parts.append(f"<section class='{orientation}'><h2>{orientation}</h2><div class='steps'>")
        parts += [_figure(orientation, step) for step in steps]
        parts.append("</div></section>")
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def _figure(orientation: str, step: dict[str, Any]) -> str:
    picture = (
        f"<a href='{orientation}/{step['picture']}'><img src='{orientation}/{step['picture']}'></a>"
        if step["picture"]
        else ""
    )
    settled = step["settled_after"]
    cpu = ", ".join(f"{share:.0%}" for share in step["cpu"])
    facts = (f"settled after {settled:.2f} s" if settled is not None else "") + (f"; CPU at rest {cpu}" if cpu else "")
    failures = "".join(f"<li><pre>{escape(f)}</pre></li>" for f in step["failures"])
    status = "failed" if step["failures"] else "passed"
    return (
        f"<figure class='{status}'>{picture}<figcaption><b>{escape(step['slug'])}</b> {status}<br>{facts}"
        f"{'<ul class=failures>' + failures + '</ul>' if failures else ''}</figcaption></figure>"
    )
