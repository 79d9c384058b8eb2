"""The staff PIN: scrypt hash, 5 wrong tries lock it for a growing time, every try audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.staff import PinError, StaffAccess, lockout_seconds, verify_pin
from kiosk.state import StaffPin, StateStore, now


@pytest.fixture
def staff(tmp_path: Path) -> StaffAccess:
    state = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    yield StaffAccess(state)
    state.close()


def test_the_pin_is_stored_as_an_scrypt_hash(staff: StaffAccess) -> None:
    assert not staff.is_set()
    assert "kiosk staff set-pin" in staff.check("1234").message
    staff.set_pin("20081230", "cli")
    with staff.state.session() as session:
        stored = session.get_one(StaffPin, 1).pin_hash
    assert stored.startswith("scrypt$") and "20081230" not in stored
    assert verify_pin("20081230", stored) and not verify_pin("20081231", stored)
    assert staff.check("20081230").ok


@pytest.mark.parametrize("pin", ["123", "abcd", "1234567890123", "１２３４", ""])
def test_a_pin_must_be_4_to_12_ascii_digits(staff: StaffAccess, pin: str) -> None:
    with pytest.raises(PinError, match="4 to 12 digits"):
        staff.set_pin(pin, "cli")


def test_five_wrong_tries_lock_for_a_growing_time(staff: StaffAccess) -> None:
    staff.set_pin("4321", "cli")
    start = now()
    messages = [staff.check("0000", at=start).message for _ in range(4)]
    assert messages == [f"密码错误，还可尝试 {n} 次" for n in (4, 3, 2, 1)]
    fifth = staff.check("0000", at=start)
    assert not fifth.ok and fifth.locked_for == 30 and "30 秒" in fifth.message
    assert not staff.check("4321", at=start + timedelta(seconds=29)).ok  # even the right PIN waits
    assert staff.check("4321", at=start + timedelta(seconds=31)).ok
    later = start + timedelta(seconds=40)
    for _ in range(4):
        staff.check("0000", at=later)
    assert staff.check("0000", at=later).locked_for == 60  # the second lockout is twice as long
    assert [lockout_seconds(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    actions = [e.action for e in staff.state.audit_log(100)]
    assert actions.count("sign-in") == 1 and actions.count("sign-in-refused") == 11 and "set-pin" in actions


def test_a_new_pin_clears_the_lockout(staff: StaffAccess) -> None:
    staff.set_pin("4321", "cli")
    for _ in range(5):
        staff.check("0000")
    staff.set_pin("9876", "cli")
    assert staff.check("9876").ok


def test_the_console_can_ask_how_long_the_pad_stays_locked(staff: StaffAccess) -> None:
    staff.set_pin("4321", "cli")
    start = now()
    assert staff.locked_for(start) == 0
    for _ in range(5):
        staff.check("0000", at=start)
    assert staff.locked_for(start + timedelta(seconds=10)) == pytest.approx(20)
    assert staff.locked_for(start + timedelta(seconds=31)) == 0
