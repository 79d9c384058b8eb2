from __future__ import annotations

import base64
import hashlib
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from content_cache.feed import KeyFileError, generate_keypair, key_id, load_private_key, load_public_key, sign


def test_a_new_key_pair_is_pem_and_the_private_key_is_owner_only(tmp_path: Path) -> None:
    key_path, pub_path = generate_keypair(tmp_path / "keys")
    assert (key_path.name, pub_path.name) == ("publisher.key", "publisher.pub")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert pub_path.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert key_id(load_private_key(key_path).public_key()) == key_id(load_public_key(pub_path))


def test_generating_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    key_path, _ = generate_keypair(tmp_path)
    before = key_path.read_bytes()
    with pytest.raises(KeyFileError, match="publisher.key already exists"):
        generate_keypair(tmp_path)
    assert key_path.read_bytes() == before


def test_the_key_id_is_16_hex_digits_of_the_raw_key_hash(tmp_path: Path) -> None:
    public = load_public_key(generate_keypair(tmp_path)[1])
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id(public) == hashlib.sha256(raw).hexdigest()[:16]
    assert re.fullmatch(r"[0-9a-f]{16}", key_id(public))


def test_a_signature_verifies_with_the_public_key(tmp_path: Path) -> None:
    key_path, pub_path = generate_keypair(tmp_path)
    entry = sign(b"manifest bytes", load_private_key(key_path))
    public = load_public_key(pub_path)
    assert entry["key_id"] == key_id(public)
    public.verify(base64.b64decode(entry["sig"]), b"manifest bytes")


def test_loading_a_missing_or_wrong_key_file_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="nowhere.pub: no public key there"):
        load_public_key(tmp_path / "nowhere.pub")
    (tmp_path / "junk.key").write_text("not a key")
    with pytest.raises(KeyFileError, match="junk.key: not an unencrypted PEM private key"):
        load_private_key(tmp_path / "junk.key")
    _, pub_path = generate_keypair(tmp_path / "k")
    with pytest.raises(KeyFileError, match="publisher.pub: not an unencrypted PEM private key"):
        load_private_key(pub_path)
