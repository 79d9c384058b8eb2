from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from content_cache.demo import annual_report_2008
from content_cache.store import upsert_items
from kiosk import usage
from kiosk.services import Services

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def services(real_services: Services) -> Services:
    return real_services


def test_a_confirmed_a4_print_is_a_done_job_and_a_pdf(services: Services, kiosk_home: Path) -> None:
    pages = services.print_quote(SEED_INDEX_NO, "a4").pages
    outcome = services.print_item(SEED_INDEX_NO, "a4")
    assert outcome.pages == pages >= 2
    assert (kiosk_home / "spool" / f"{outcome.job_no}.pdf").read_bytes().startswith(b"%PDF")
    job = services.queue.jobs()[0]
    assert (job.job_no, job.state, job.pages) == (outcome.job_no, "done", pages)
    assert outcome.collect_at == "服务台" and outcome.message == "请到服务台领取。"
    assert [(e.from_state, e.to_state) for e in services.queue.events(job.job_no)] == [
        ("", "queued"),
        ("queued", "printing"),
        ("printing", "done"),
    ]


def test_a_receipt_slip_carries_the_job_number(services: Services, kiosk_home: Path) -> None:
    outcome = services.print_item(SEED_INDEX_NO, "receipt")
    assert services.print_quote(SEED_INDEX_NO, "receipt").pages == outcome.pages == 1
    data = (kiosk_home / "spool" / f"{outcome.job_no}.escpos").read_bytes()
    assert f"任务号：{outcome.job_no}".encode("gb18030") in data


def test_a_spool_folder_that_cannot_take_the_job_keeps_it_queued_until_it_can(
    services: Services, kiosk_home: Path
) -> None:
    (kiosk_home / "spool").write_text("not a folder")
    outcome = services.print_item(SEED_INDEX_NO, "receipt", wait=0)
    assert outcome.state == "queued" and "打印机暂不可用" in outcome.message
    job = services.queue.get(outcome.job_no)
    assert job.state == "queued" and "spool folder" in job.error and job.next_attempt_at is not None
    (kiosk_home / "spool").unlink()
    with services.state.begin() as session:  # the retry is due now rather than in 5 s
        session.get_one(type(job), job.id).next_attempt_at = None
    services.queue.work()
    assert services.queue.get(outcome.job_no).state == "done"
    assert (kiosk_home / "spool" / f"{outcome.job_no}.escpos").exists()


def test_printed_copies_are_counted(services: Services) -> None:
    services.item(SEED_INDEX_NO)  # reading is counted by the App, with its seconds, when the document is left
    services.print_item(SEED_INDEX_NO, "receipt")
    assert usage.event_counts(services.state) == {"print": 1}


def test_the_state_store_is_its_own_database(services: Services, kiosk_home: Path) -> None:
    assert (kiosk_home / "state.db").exists() and (kiosk_home / "content.db").exists()
    assert services.content.engine.url != services.state.engine.url


def test_a_long_copy_is_held_and_its_citizen_gets_a_slip_with_the_job_number(
    services: Services, kiosk_home: Path
) -> None:
    services.queue.policy = type(services.queue.policy)(release_above=1)
    outcome = services.print_item(SEED_INDEX_NO, "a4", wait=5)
    assert (
        outcome.state == "awaiting_release"
        and "由工作人员核对后打印" in outcome.message
        and "取件凭条" in outcome.message
    )
    ticket = next(j for j in services.queue.jobs() if j.source == f"ticket:{outcome.job_no}")
    assert ticket.state == "done"
    slip = (kiosk_home / "spool" / f"{ticket.job_no}.escpos").read_bytes()
    assert f"取件凭条 任务号 {outcome.job_no}".encode("gb18030") in slip
    assert not (kiosk_home / "spool" / f"{outcome.job_no}.pdf").exists()
    services.queue.release(outcome.job_no, "console")
    assert services.wait_for(outcome.job_no, 10).state == "done"
    assert (kiosk_home / "spool" / f"{outcome.job_no}.pdf").exists()
    assert usage.event_counts(services.state)["print"] == 1  # the slip is not a copy


@pytest.mark.parametrize(
    "validity, warning", [("expired", "本文件已失效"), ("abolished", "本文件已废止"), ("valid", "")]
)
def test_a_document_no_longer_in_force_is_warned_of_before_printing(
    services: Services, validity: str, warning: str
) -> None:
    with services.content.transaction() as session:
        upsert_items(session, [replace(annual_report_2008(), validity=validity)])
    detail = services.content.item(SEED_INDEX_NO)
    assert detail.validity == validity
    quote = services.print_quote(SEED_INDEX_NO, "a4")
    assert quote.warning == (f"{warning}，打印件仅供查阅参考。" if warning else "")


def test_the_console_lists_jobs_needing_staff_first(services: Services) -> None:
    services.queue.policy = type(services.queue.policy)(release_above=3)
    services.print_item(SEED_INDEX_NO, "receipt")
    held = services.print_item(SEED_INDEX_NO, "a4", wait=0)
    services.print_item(SEED_INDEX_NO, "receipt")
    overview = services.staff_overview(today_only=True)
    assert overview.jobs[0].job_no == held.job_no and overview.jobs[0].state == "awaiting_release"
    assert [j.state for j in overview.jobs[1:]] == ["done"] * 3  # two slips and the held job's ticket
    assert overview.today_jobs == 4 and overview.waiting == 1
    assert {p.kind for p in overview.printers} == {"a4", "receipt"}
