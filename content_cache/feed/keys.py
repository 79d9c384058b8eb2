"""Ed25519 keys of a publisher: generate, load, name by key ID, sign a manifest."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from content_cache.feed.errors import KeyFileError

PRIVATE_KEY = "publisher.key"
PUBLIC_KEY = "publisher.pub"


def generate_keypair(folder: Path) -> tuple[Path, Path]:
    """Write a new publisher.key (mode 0600) and publisher.pub into `folder`; never overwrite a key."""
    key_path, pub_path = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (key_path, pub_path):
        if path.exists():
            raise KeyFileError(
                f"{path} already exists; a new key would lock out every kiosk that trusts the old one. "
                "Move it aside first if you really mean to replace it (see 'Key rotation' in docs/sync-format.md)"
            )
    folder.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_new(key_path, pem, 0o600)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(pub_path, public, 0o644)
    return key_path, pub_path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` (failing if it exists) with `mode` from the start, and sync it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no {what} there") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the {what} ({exc.strerror})") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The publisher's signing key from a PEM (PKCS8, unencrypted) file."""
    try:
        key = serialization.load_pem_private_key(_read(path, "private key"), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: the key is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A trusted publisher key from a PEM file."""
    try:
        key = serialization.load_pem_public_key(_read(path, "public key"))
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: the key is not an Ed25519 key")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    """The short name of a key: the first 16 hex digits of the SHA-256 of its raw 32 bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(manifest_bytes: bytes, private_key: Ed25519PrivateKey) -> dict[str, str]:
    """One entry of manifest.sig: the key ID and the base64 Ed25519 signature of the manifest bytes."""
    signature = private_key.sign(manifest_bytes)
    return {"key_id": key_id(private_key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}


def signature_file(manifest_bytes: bytes, private_keys: Sequence[Ed25519PrivateKey]) -> bytes:
    """The bytes of manifest.sig, with one signature per key (several during a key rotation)."""
    entries = [sign(manifest_bytes, key) for key in private_keys]
    return (json.dumps({"signatures": entries}, indent=1) + "\n").encode("utf-8")
