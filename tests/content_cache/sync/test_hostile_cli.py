"""`kiosk sync` against a hostile feed, as staff run it: one line on stderr, the run recorded, nothing applied.

The case that once applied the content and then crashed every later sync (a
signed sequence of 2**63) is here too: refused before anything is applied,
recorded as failed, and the next good feed syncs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content_cache.feed.format import MANIFEST, SIGNATURES
from tests.content_cache.feed.conftest import KeyPair
from tests.content_cache.feed.support import resign
from tests.content_cache.sync.feed_server import serve
from tests.kiosk.test_cli import kiosk
from tests.kiosk.test_sync_crash import content


def _sync(home: Path, source: str, keypair: KeyPair) -> tuple[int, str]:
    done = kiosk(home, "sync", "--source", source, "--trust", str(keypair.pub_path))
    return done.returncode, done.stderr


def _refused_in_one_line(home: Path, source: str, keypair: KeyPair, phrase: str) -> None:
    code, err = _sync(home, source, keypair)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: error:") and phrase in lines[0], err
    assert "Traceback" not in err
    status = kiosk(home, "sync", "--status").stdout.splitlines()[0]
    assert status.split()[2] == "failed", status


def test_a_signed_sequence_of_2_63_is_refused_and_the_next_feed_syncs(
    out: Path, keypair: KeyPair, tmp_path: Path
) -> None:
    good = Path(shutil.copytree(out, tmp_path / "good"))
    resign(out, keypair.private, lambda m: m.update(sequence=2**63))
    home = tmp_path / "home"
    _refused_in_one_line(home, str(out), keypair, "sequence is 9,223,372,036,854,775,808, outside the allowed range")
    assert not (home / "content.db").exists() or content(home)[0] == {}
    code, err = _sync(home, str(good), keypair)
    assert code == 0, err
    assert content(home)[1] == 1


@pytest.mark.parametrize(
    "garbage,phrase",
    [(b"[" * 60_000, "nested far too deeply"), (b"<html><body>login</body></html>", "web page, not a feed")],
)
def test_a_garbage_signature_file_is_one_line_on_the_command_line(
    out: Path, keypair: KeyPair, tmp_path: Path, garbage: bytes, phrase: str
) -> None:
    (out / SIGNATURES).write_bytes(garbage)
    _refused_in_one_line(tmp_path / "home", str(out), keypair, phrase)


@pytest.mark.parametrize(
    "fault,phrase",
    [("portal", "web page, not a feed"), ("redirect-loop", "redirects"), ("bad-encoding", "Content-Encoding")],
)
def test_an_http_fault_is_one_line_on_the_command_line(
    out: Path, keypair: KeyPair, tmp_path: Path, fault: str, phrase: str
) -> None:
    with serve(out) as server:
        server.faults[MANIFEST] = fault  # type: ignore[assignment]
        _refused_in_one_line(tmp_path / "home", server.url, keypair, phrase)
