from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services import Services
from printing import PrinterUnavailable

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def services(real_services: Services) -> Services:
    return real_services


def test_a_confirmed_a4_print_is_a_done_job_and_a_pdf(services: Services, kiosk_home: Path) -> None:
    pages = services.print_pages(SEED_INDEX_NO, "a4")
    outcome = services.print_item(SEED_INDEX_NO, "a4")
    assert outcome.pages == pages >= 2
    assert Path(outcome.output) == kiosk_home / "spool" / f"{outcome.job_no}.pdf"
    job = services.state.jobs()[0]
    assert (job.job_no, job.state, job.pages, job.output) == (outcome.job_no, "done", pages, outcome.output)
    assert outcome.collect_at == "服务台"


def test_a_receipt_slip_carries_the_job_number(services: Services) -> None:
    outcome = services.print_item(SEED_INDEX_NO, "receipt")
    assert services.print_pages(SEED_INDEX_NO, "receipt") == outcome.pages == 1
    data = Path(outcome.output).read_bytes()
    assert outcome.job_no.encode() in data


def test_a_spool_path_that_is_a_file_fails_the_job_with_a_message(services: Services, kiosk_home: Path) -> None:
    (kiosk_home / "spool").write_text("not a folder")
    with pytest.raises(PrinterUnavailable, match="spool folder"):
        services.print_item(SEED_INDEX_NO, "receipt")
    job = services.state.jobs()[0]
    assert job.state == "failed" and "spool folder" in job.error


def test_views_and_prints_are_counted(services: Services) -> None:
    services.item(SEED_INDEX_NO)
    services.print_item(SEED_INDEX_NO, "receipt")
    assert services.state.event_counts() == {"view": 1, "print": 1}


def test_the_state_store_is_its_own_database(services: Services, kiosk_home: Path) -> None:
    assert (kiosk_home / "state.db").exists() and (kiosk_home / "content.db").exists()
    assert services.content.engine.url != services.state.engine.url
