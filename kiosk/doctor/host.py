"""The doctor's checks of this machine: the settings, the printers, the disk."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from kiosk.config import Config, Problem
from kiosk.doctor.finding import Finding, mib

DISK_WARN_BYTES = 1024**3  # below 1 GiB free: a warning
DISK_FAIL_BYTES = 200 * 1024**2  # below 200 MiB free: print jobs and the sync start failing


def settings_findings(config: Config) -> Iterator[Finding]:
    """Every setting in range, the printer URIs well formed, the font present."""
    from kiosk.bootstrap import CheckedSettings, check_settings
    from printing.fonts import find_cjk_font

    for problem in config.problems:
        if isinstance(problem, Problem):
            yield Finding(
                "fail",
                "设置",
                f"{problem.key} = {problem.given}（{problem.origin}）不可用，应为 {problem.allowed}",
                "请在 kiosk.toml 或环境变量中改正，改正前本机不会启动",
            )
        else:
            yield Finding("fail", "设置", f"配置文件有误：{problem}", "请改正 kiosk.toml，改正前本机不会启动")
    try:
        checked: CheckedSettings = check_settings(config)
    except Exception as exc:  # a ConfigError, or no font at all
        yield Finding("fail", "设置", str(exc), "请改正设置（打印机地址、字体），改正前本机不会启动")
        return
    wanted = config.settings.display.font
    if wanted and Path(wanted).expanduser() != checked.font:
        yield Finding(
            "warn",
            "设置",
            f"display.font 指定的字体 {wanted} 不存在，改用了 {checked.font}",
            "请改正 display.font，或留空",
        )
    if not config.problems:
        yield Finding(
            "ok", "设置", f"全部设置都在允许范围内（kiosk config 列出每一项），字体 {find_cjk_font(wanted or None)}"
        )


def printer_findings(config: Config) -> Iterator[Finding]:
    """Each configured printer asked for its state: a CUPS queue that exists and accepts, a TCP printer that
    answers, a spool folder or device that can be written."""
    from printing.errors import PrinterConfigError
    from printing.factory import document_printer, parse_printers, receipt_printer

    printing = config.settings.printing
    try:
        document, receipt = parse_printers(printing.document, printing.receipt, config.home)
    except PrinterConfigError:
        return  # the settings' finding names it
    for role, printer in (("A4 打印机", document_printer(document)), ("小票打印机", receipt_printer(receipt))):
        status = printer.status()
        reason = f"（{status.reason}）" if status.reason else ""
        if status.ready:
            paper = "，纸将用完" if status.paper == "near_end" else ""
            yield Finding("warn" if paper else "ok", role, f"{printer.name} 就绪{paper}", "请备好纸" if paper else "")
        elif status.state == "unknown":
            yield Finding(
                "warn",
                role,
                f"{printer.name} 的状态无法读取{reason}",
                f"请打印测试页确认：kiosk printers test {'a4' if role.startswith('A4') else 'receipt'}",
            )
        else:
            paper = "，缺纸" if status.paper == "out" else ""
            yield Finding(
                "fail",
                role,
                f"{printer.name} 不能打印：{status.state}{paper}{reason}",
                "请检查电源、纸张和连接，然后运行 kiosk printers status",
            )


def disk_findings(config: Config) -> Iterator[Finding]:
    """KIOSK_HOME writable, and the free space on its disk."""
    home = config.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / f".doctor-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        yield Finding(
            "fail",
            "磁盘",
            f"{home} 不能写入（{exc.strerror or exc}）",
            "本机需要在这里保存打印任务和日志：请检查权限或磁盘",
        )
        return
    free = shutil.disk_usage(home).free
    if free < DISK_FAIL_BYTES:
        yield Finding("fail", "磁盘", f"{home} 所在磁盘只剩 {mib(free)}", "打印和同步会失败：请清理磁盘")
    elif free < DISK_WARN_BYTES:
        yield Finding("warn", "磁盘", f"{home} 所在磁盘只剩 {mib(free)}", "请尽快清理磁盘")
    else:
        yield Finding("ok", "磁盘", f"{home} 所在磁盘剩余 {mib(free)}")
