"""`kiosk publish` takes the list from SRC/synonyms.tsv; `kiosk synonyms` shows the effective list by origin."""

from __future__ import annotations

import json
from pathlib import Path

from tests.kiosk.test_cli import kiosk


def test_publish_sync_then_synonyms_shows_built_in_and_publisher_groups(tmp_path: Path) -> None:
    pub, src, feed, home = tmp_path / "publisher", tmp_path / "src", tmp_path / "feed", tmp_path / "kiosk"
    key = tmp_path / "keys" / "publisher.key"
    for args in (
        ("demo-content", "--count", "50", "--seed", "3"),
        ("keygen", str(tmp_path / "keys")),
        ("export", str(src)),
    ):
        assert kiosk(pub, *args).returncode == 0
    items = src / "items.jsonl"
    rows = [json.loads(line) for line in items.read_text("utf-8").splitlines() if line.strip()]
    rows[1]["title"] = "关于宿州市区汴河路改造项目建设的公告"  # a document the publisher's own name finds
    items.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    (src / "synonyms.tsv").write_text("# 本单位的叫法\n汴河路\t汴河大道\n公积金\t住房储金\n", "utf-8")
    done = kiosk(pub, "publish", str(src), str(feed), "--key", str(key))
    assert done.returncode == 0, done.stderr
    assert "synonym list version 1 (2 groups)" in done.stdout
    synced = kiosk(home, "sync", "--source", str(feed), "--trust", str(tmp_path / "keys" / "publisher.pub"))
    assert synced.returncode == 0, synced.stderr

    shown = kiosk(home, "synonyms")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    headers = [line for line in lines if line.startswith("# ")]
    assert headers[0].startswith("# built in: ") and headers[0].endswith(" groups")
    assert headers[1] == "# built in, extended by the publisher, list version 1, feed sequence 1: 1 group"
    assert headers[2] == "# publisher, list version 1, feed sequence 1: 1 group"
    assert lines[lines.index(headers[1]) + 1] == "住房公积金\t公积金\t住房储金"
    assert lines[lines.index(headers[2]) + 1] == "汴河路\t汴河大道"
    built_in = int(headers[0].split(": ")[1].split()[0])
    assert lines[-1].startswith(
        f"# {built_in + 2} groups: {built_in} built in, 1 built in, extended by the "
        "publisher, 1 publisher (publisher list version 1, feed sequence 1); "
        "words a query leaves out: "
    )
    found = kiosk(home, "search", "汴河大道", "--limit", "3")
    assert found.returncode == 0 and "汴河路改造" in found.stdout

    before = kiosk(pub, "synonyms")  # a cache that never synced a list: the built-in groups alone
    assert "no publisher list" in before.stdout.splitlines()[-1] and "汴河大道" not in before.stdout
