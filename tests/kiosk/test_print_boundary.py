"""The citizen's error boundary of printing: every failure in plain Chinese, with the true state of the job."""

from __future__ import annotations

import errno

import pytest
from sqlalchemy.exc import OperationalError

from content_cache import ContentError
from kiosk import jobs
from kiosk.errors import ASK_STAFF, BUSY, DISK_FULL, NO_FONT, PRINTER_OFF, UNEXPECTED, trouble
from kiosk.jobs import JobError, QuotaExceeded
from kiosk.print_outcome import NO_JOB
from kiosk.services import PrintRefused, Services
from printing.errors import FontNotFound, PrinterUnavailable

SEED_INDEX_NO = "003232741/2008-00001"
LOCKED = OperationalError("UPDATE print_jobs SET state=?", {}, Exception("database is locked"))


@pytest.mark.parametrize(
    "exc, said",
    [
        (LOCKED, BUSY),
        (FontNotFound("no font in /usr/share/fonts"), NO_FONT),
        (PrinterUnavailable("connection refused 127.0.0.1:9100"), PRINTER_OFF),
        (OSError(errno.ENOSPC, "No space left on device"), DISK_FULL),
        (RuntimeError("Traceback: boom"), UNEXPECTED),
    ],
)
def test_each_failure_has_its_words_and_none_of_the_exception_s(exc: Exception, said: object) -> None:
    assert trouble(exc) == said
    assert str(exc) not in trouble(exc).text


def test_the_cause_counts_a_job_error_over_a_full_disk_says_disk_full() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as full:
            raise JobError("无法保存打印任务（No space left on device）") from full
    except JobError as exc:
        assert trouble(exc) == DISK_FULL


def test_a_quota_refusal_keeps_its_own_words() -> None:
    words = "每位读者每次最多打印 50 页，您还可打印 2 页。如需更多，请联系工作人员。"
    assert trouble(QuotaExceeded(words)).text == words


@pytest.fixture
def services(real_services: Services) -> Services:
    return real_services


def test_a_full_disk_makes_no_job_and_says_so(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jobs, "write_atomically", full)
    with pytest.raises(PrintRefused) as refused:
        services.print_item(SEED_INDEX_NO, "a4", wait=0)
    assert str(refused.value) == f"{DISK_FULL.text}\n{NO_JOB}"
    assert services.queue.jobs() == []


def test_a_job_made_but_not_followed_still_gives_its_number(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_args: object) -> None:
        raise LOCKED

    monkeypatch.setattr(services, "wait_for", locked)
    outcome = services.print_item(SEED_INDEX_NO, "a4")
    assert outcome.made and outcome.job_no == "0001" and services.queue.get("1").state == "queued"
    assert outcome.message == "任务已登记，会自动打印。请到服务台领取；如没有取到，请到服务台出示任务号。"
    assert "locked" not in outcome.message and ASK_STAFF not in outcome.message


def test_the_operator_gets_the_detail_and_the_citizen_the_words(services: Services) -> None:
    with pytest.raises(ContentError, match="nobody/2008-00001"):
        services.print_copy("nobody/2008-00001", "a4")
    with pytest.raises(PrintRefused) as refused:
        services.print_item("nobody/2008-00001", "a4")
    assert str(refused.value) == "这份文件已不在本机的目录中，可能刚刚更新或撤下。请回到主页重新查找。\n" + NO_JOB
