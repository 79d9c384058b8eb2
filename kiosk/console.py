"""What the staff console shows, in the words staff use: jobs, printers and today's figures.

The printers and the queue speak English to the log and the CLI; the console
says the same in Chinese: what each printer is (`CUPS 队列 KioskPDF`,
`网络小票打印机 192.168.1.60:9100`), its state (空闲, 已停止：…, 离线：…, 缺纸),
and what each job is (A4 复印件, 信息小票, 取件凭条, 测试页). The printer's own
words stay beside as a detail for whoever fixes it.
"""

from __future__ import annotations

from kiosk.jobs import describe_time, job_purpose
from kiosk.state import PrintJob
from printing.base import Printer, PrinterStatus
from printing.document import PrintKind
from screens.services import JobView, PrinterView

ROLE_NAMES: dict[str, str] = {"a4": "A4 文档打印机", "receipt": "小票打印机"}
PRINTER_STATES = {"idle": "空闲", "processing": "打印中", "stopped": "已停止", "offline": "离线", "unknown": "状态未知"}
PAPER_STATES = {"near_end": "纸将用完", "out": "缺纸"}

# The printers' reasons (printing.cups, printing.escpos_printer, printing.spool) as staff read them:
# the first pattern found in the reason wins.
REASONS: tuple[tuple[str, str], ...] = (
    ("the paper has run out", "缺纸，请装纸"),
    ("paper roll is nearly used up", "纸将用完，请备好新纸卷"),
    ("cover is open", "打印机盖未合上"),
    ("feed button is held", "进纸键被按住"),
    ("reports an error", "打印机报错（卡纸、切刀故障或过热）"),
    ("refused the connection", "连接被拒绝，请检查打印机是否开机、网线是否接好"),
    ("connection refused", "连接被拒绝，请检查打印机是否开机、网线是否接好"),
    ("did not answer within", "打印机无应答，请检查是否开机、是否在网络上"),
    ("cannot be found: no host", "找不到打印机地址，请检查设置中的地址"),
    ("cannot be reached", "无法连接，请检查网线和打印机地址"),
    ("does not answer status requests", "打印机不回答状态查询"),
    ("cannot report the printer's state", "设备文件无法报告打印机状态"),
    ("does not exist: is the printer plugged in", "找不到设备，请检查打印机是否插好、是否开机"),
    ("is not writable", "本机无权写入，请联系管理员"),
    ("scheduler", "CUPS 打印服务未运行，请联系管理员"),
    ("has no queue named", "CUPS 中没有这个队列，请检查设置"),
    ("lpstat is not installed", "本机未安装 CUPS 客户端，请联系管理员"),
    ("CUPS did not answer", "CUPS 打印服务无应答"),
    ("not accepting jobs", "不接受新任务（已被管理员暂停）"),
    ("reports that it is offline", "打印机报告已离线，请检查电源和连接线"),
    ("cannot use the spool folder", "无法使用输出文件夹"),
    ("the copy of this job cannot be read", "本机保存的打印文件读不出，无法打印"),
    ("disabled", "已被管理员停用"),
)


def printer_where(printer: Printer) -> tuple[str, str]:
    """What kind of printer this is and where, in Chinese; and a path or address as a detail ('' if none)."""
    queue = getattr(printer, "queue", None)
    if isinstance(queue, str):
        server = getattr(printer, "server", None)
        return f"CUPS 队列 {queue}" + (f"（服务器 {server}）" if server else ""), ""
    target = getattr(printer, "target", None)
    if target is not None:
        return _receipt_where(target)
    folder = getattr(printer, "folder", None)
    if folder is not None:
        return "本机假脱机文件夹（测试用，不出纸）", f"文件夹 {folder}"
    return printer.name, ""


def _receipt_where(target: object) -> tuple[str, str]:
    kind = getattr(target, "kind", "")
    if kind == "tcp":
        return f"网络小票打印机 {getattr(target, 'host', '')}:{getattr(target, 'port', '')}", ""
    if kind == "usb":
        return (
            f"USB 小票打印机（设备号 {getattr(target, 'vendor_id', 0):04x}:{getattr(target, 'product_id', 0):04x}）",
            "",
        )
    if kind == "serial":
        return "串口小票打印机", f"设备 {getattr(target, 'device', '')}"
    return "小票打印机（设备文件）", f"设备 {getattr(target, 'device', '')}"


def reason_text(reason: str) -> str:
    """A printer's reason in Chinese, or '' when it is not one the console knows (the detail keeps it)."""
    return next((chinese for pattern, chinese in REASONS if pattern in reason), "")


def state_text(status: PrinterStatus) -> str:
    """空闲 / 打印中 / 已停止：原因 / 离线：原因 / 缺纸 …, as one line."""
    reason = reason_text(status.reason)
    if status.state in ("stopped", "offline"):
        words = f"{PRINTER_STATES[status.state]}：{reason or '原因见下方详情'}"
    elif status.paper == "out":  # idle with no paper prints nothing: 缺纸 is its state
        return reason if reason.startswith("缺纸") else "缺纸，请装纸"
    else:
        words = PRINTER_STATES.get(status.state, status.state) + (f"，{reason}" if reason else "")
    paper = PAPER_STATES.get(status.paper, "")
    return f"{words}，{paper}" if paper and paper not in words else words


def printer_view(kind: PrintKind, printer: Printer, status: PrinterStatus, last_error: str) -> PrinterView:
    """One printer for the console."""
    where, place = printer_where(printer)
    own_words = status.reason if status.reason and not status.ready else ""
    detail = "；".join(part for part in (place, own_words) if part)
    return PrinterView(
        kind,
        printer.name,
        status.state,
        reason_text(status.reason),
        status.paper,
        last_error,
        where,
        state_text(status),
        detail,
    )


def job_view(job: PrintJob) -> JobView:
    """One job for the console, with what it is."""
    return JobView(
        job.job_no,
        job.state,
        job.kind,
        job.pages,
        job.title,
        describe_time(job.created_at),
        error_text(job.error),
        job.fee_cents,
        job.collected_at is not None,
        job_purpose(job.source, job.kind),
    )


def error_text(error: str) -> str:
    """A job's error in Chinese: a printer's English reason after the colon said in Chinese (`…：连接被拒绝…`)."""
    head, colon, tail = error.partition("：")
    if not colon:
        return reason_text(error) or error
    chinese = reason_text(tail)
    return f"{head}：{chinese}" if chinese else error
