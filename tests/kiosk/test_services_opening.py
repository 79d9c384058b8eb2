"""The services opened in the background after the first frame: callers wait, a failure reaches every caller."""

from __future__ import annotations

import threading

import pytest

from kiosk.bootstrap import ServicesOpening


class Opened:
    def __init__(self) -> None:
        self.closed = 0

    def sections(self) -> list[str]:
        return ["指南", "目录"]

    def close(self) -> None:
        self.closed += 1


def test_a_caller_waits_until_the_services_are_opened_after_the_first_frame() -> None:
    opened = Opened()
    calls: list[str] = []
    services = ServicesOpening(lambda: calls.append("open") or opened, on_failed=lambda _exc: None)  # type: ignore[arg-type,func-returntype]
    got: list[list[str]] = []
    caller = threading.Thread(target=lambda: got.append(services.sections()), daemon=True)
    caller.start()
    caller.join(0.3)
    assert caller.is_alive() and calls == []  # nothing opens before the App asks, however eager a screen is
    services.open_in_background()
    services.open_in_background()  # once only
    caller.join(10)
    assert got == [["指南", "目录"]] and calls == ["open"]
    services.close()
    assert opened.closed == 1
    services.raise_failure()  # nothing to raise


def test_a_failed_opening_is_raised_to_every_caller_and_reported_once() -> None:
    failures: list[BaseException] = []

    def fail() -> Opened:
        raise OSError(28, "No space left on device")

    services = ServicesOpening(fail, on_failed=failures.append)  # type: ignore[arg-type]
    services.open_in_background()
    for _ in range(2):
        with pytest.raises(OSError, match="No space"):
            services.sections()
    assert len(failures) == 1
    with pytest.raises(OSError):
        services.raise_failure()
    services.close()  # nothing was opened: nothing to close, no error


def test_closing_before_the_first_frame_opens_nothing() -> None:
    calls: list[str] = []
    services = ServicesOpening(lambda: calls.append("open") or Opened(), on_failed=lambda _exc: None)  # type: ignore[arg-type,func-returntype]
    services.close()
    services.raise_failure()
    assert calls == []
