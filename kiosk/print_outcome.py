"""What a citizen is told about their print job: its true state, where to collect it, what to do next.

Where a copy is collected depends on who hands it over: a slip from the kiosk's
own receipt printer comes out of this kiosk (请在本机出纸口取走); an A4 copy and any
job staff must look at or release is handed over at the desk (请到服务台领取).
"""

from __future__ import annotations

from kiosk.errors import Trouble
from printing.document import NOT_MADE, PrintKind, PrintOutcome

NO_JOB = "本次没有生成打印任务，不会打印，也不收费。"
KIOSK_SLOT = "请在本机出纸口取走"


def desk(collect_at: str) -> str:
    """Where staff hand copies over, as an instruction."""
    return f"请到{collect_at}领取"


def release_reason(release_above: int) -> str:
    """Why an A4 copy waits for staff, in the room's own rule (printing.release_above_pages)."""
    if release_above <= 0:
        return "本阅览室的A4复印件都由工作人员核对后打印。"
    return f"超过 {release_above} 页的A4复印件由工作人员核对后打印。"


def job_words(kind: PrintKind, state: str, collect_at: str, release_above: int) -> tuple[str, str]:
    """(message, pickup) for a job of `kind` in `state`: what is happening and where to collect it."""
    to_desk = desk(collect_at)
    show_no = f"请到{collect_at}出示任务号，工作人员会为您处理。"
    if state in ("check_printer", "failed", "cancelled", "expired"):
        what = {
            "check_printer": "打印可能没有完成。",
            "failed": "打印没有成功。",
            "cancelled": "任务已取消。",
            "expired": "任务已过期。",
        }[state]
        return what + show_no, f"请到{collect_at}出示任务号"
    if state == "awaiting_release":  # a 取件凭条 comes out of the kiosk: the citizen takes it to the desk
        ticket = f"请在本机出纸口取走取件凭条，到{collect_at}出示"
        return f"{release_reason(release_above)}\n{ticket}，工作人员核对后为您打印。", ticket
    if kind == "receipt":
        return {
            "done": (f"小票已打出，{KIOSK_SLOT}。", KIOSK_SLOT),
            "printing": (f"正在打印，{KIOSK_SLOT}。", KIOSK_SLOT),
        }.get(
            state,
            (
                f"小票打印机暂不可用，任务已保留，恢复后自动打出。如不便等候，{show_no}",
                f"请留意本机出纸口，或到{collect_at}出示任务号",
            ),
        )
    return {
        "done": (f"{to_desk}。", to_desk),
        "printing": (f"正在打印，{to_desk}。", to_desk),
    }.get(state, (f"打印机暂不可用，任务已保留，恢复后自动打印。{to_desk}。", to_desk))


def not_made(kind: PrintKind, collect_at: str, trouble: Trouble) -> PrintOutcome:
    """The outcome when no job came into being: what happened, what to do next, and that nothing will print."""
    return PrintOutcome("", kind, 0, collect_at, "", NOT_MADE, f"{trouble.text}\n{NO_JOB}")


def made_but_unfollowed(kind: PrintKind, job_no: str, pages: int, collect_at: str, fee_cents: int) -> PrintOutcome:
    """The job exists but the kiosk lost sight of it (the store was busy): its number, and where to ask."""
    where = KIOSK_SLOT if kind == "receipt" else desk(collect_at)
    message = f"任务已登记，会自动打印。{where}；如没有取到，请到{collect_at}出示任务号。"
    return PrintOutcome(job_no, kind, pages, collect_at, "", "queued", message, fee_cents, where)


def later_note(kind: PrintKind, state: str, collect_at: str) -> str:
    """What a visit's job needs now, for the idle warning and Home's banner: the job's true state, re-read."""
    if state == "cancelled":
        return "已由工作人员取消，不会打印"
    if state == "expired":
        return f"已过期，如仍需要请到{collect_at}出示任务号"
    if state in ("failed", "check_printer"):
        return f"打印没有完成，请到{collect_at}出示任务号"
    if state == "awaiting_release":
        return f"请持取件凭条到{collect_at}出示，核对后打印"
    if kind == "receipt":
        return KIOSK_SLOT if state in ("done", "printing") else f"请留意本机出纸口，或到{collect_at}出示任务号"
    return desk(collect_at)
