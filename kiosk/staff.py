"""The staff PIN: stored as an scrypt hash, locked for a growing time after 5 wrong tries.

The first lockout lasts 30 seconds; each further one doubles, up to an hour.
A right PIN clears the count of wrong tries (not the lockout history, which
only a new PIN resets). Every try and every change goes to the audit log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.errors import KioskError
from kiosk.state import StaffPin, StateStore, now

TRIES = 5  # wrong tries before a lockout
FIRST_LOCKOUT = 30.0  # seconds
LONGEST_LOCKOUT = 3600.0
MIN_DIGITS, MAX_DIGITS = 4, 12
_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms and 16 MiB here


class PinError(KioskError):
    """The PIN cannot be set or checked; the message is for staff."""


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The outcome of a PIN try."""

    ok: bool
    message: str = ""  # for a wrong try or a lockout, in Chinese, for the console
    locked_for: float = 0.0  # seconds until the next try is allowed


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash`, base64 parts."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def check_new_pin(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"the PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits")


def lockout_seconds(lockouts: int) -> float:
    """How long the `lockouts`-th lockout lasts: 30 s, 60 s, 120 s, … up to an hour."""
    return float(min(LONGEST_LOCKOUT, FIRST_LOCKOUT * 2 ** max(0, lockouts - 1)))


class StaffAccess:
    """Setting and checking the staff PIN in the state store."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def is_set(self) -> bool:
        with self.state.session() as session:
            return session.get(StaffPin, 1) is not None

    def set_pin(self, pin: str, actor: str) -> None:
        check_new_pin(pin)
        hashed = hash_pin(pin)
        with self.state.begin() as session:
            row = session.get(StaffPin, 1)
            if row is None:
                session.add(StaffPin(id=1, pin_hash=hashed, failures=0, lockouts=0, set_at=now()))
            else:
                row.pin_hash, row.failures, row.lockouts, row.locked_until, row.set_at = hashed, 0, 0, None, now()
        self.state.audit(actor, "set-pin", "the staff PIN was set")

    def locked_for(self, at: datetime | None = None) -> float:
        """Seconds until the next try is allowed (0 when a try is allowed now)."""
        with self.state.session() as session:
            row = session.get(StaffPin, 1)
            locked_until = _aware(row.locked_until) if row is not None else None
        if locked_until is None:
            return 0.0
        return max(0.0, (locked_until - (at or now())).total_seconds())

    def check(self, pin: str, actor: str = "console", at: datetime | None = None) -> PinCheck:
        """Try a PIN: counts wrong tries, locks after TRIES of them, refuses any try while locked."""
        moment = at or now()
        with self.state.begin() as session:
            row = session.get(StaffPin, 1)
            if row is None:
                return PinCheck(False, "尚未设置工作人员密码：请在终端运行 kiosk staff set-pin")
            locked_until = _aware(row.locked_until)
            if locked_until and moment < locked_until:
                wait = (locked_until - moment).total_seconds()
                result = PinCheck(False, f"密码错误次数过多，请 {_wait_text(wait)}后再试", wait)
            elif verify_pin(pin, row.pin_hash):
                row.failures, row.locked_until = 0, None
                result = PinCheck(True)
            else:
                row.failures += 1
                if row.failures >= TRIES:
                    row.lockouts += 1
                    wait = lockout_seconds(row.lockouts)
                    row.failures, row.locked_until = 0, moment + timedelta(seconds=wait)
                    result = PinCheck(False, f"密码错误次数过多，请 {_wait_text(wait)}后再试", wait)
                else:
                    result = PinCheck(False, f"密码错误，还可尝试 {TRIES - row.failures} 次")
        self.state.audit(actor, "sign-in" if result.ok else "sign-in-refused", result.message)
        return result


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _wait_text(seconds: float) -> str:
    seconds = max(1, round(seconds))
    return f"{seconds} 秒" if seconds < 120 else f"{round(seconds / 60)} 分钟"
