"""`kiosk doctor`: the settings, both stores, the feed, the printers and the disk, checked and said in plain words.

Each check gives findings of three levels: 正常 (ok), 注意 (worth a look; the kiosk
runs) and 故障 (something is wrong; the exit status is 1). A finding may carry a
repair that is safe at any time: marking a sync run that was killed "interrupted",
clearing the sync's download staging, writing a large write-ahead log back into
its database, setting a damaged content cache aside (it is disposable: the feed or
the demo content rebuilds it). The state store is precious: it is never repaired
or replaced here, only named with what to do.

The checks only read: a store that is missing is not created, and nothing is
migrated. They open the SQLite files directly, read-only, so that a damaged file
is reported with its name instead of tracing back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from kiosk.config import Config
from kiosk.doctor.feed import feed_findings
from kiosk.doctor.finding import Finding, one_line
from kiosk.doctor.host import disk_findings, printer_findings, settings_findings
from kiosk.doctor.stores import content_findings, state_findings

__all__ = ["Finding", "diagnose", "run_doctor"]

log = logging.getLogger(__name__)
Check = Callable[[Config], Iterator[Finding]]
CHECKS: tuple[tuple[str, Check], ...] = (  # in the order staff read them
    ("设置", settings_findings),
    ("内容缓存", content_findings),
    ("状态库", state_findings),
    ("内容源", feed_findings),
    ("打印机", printer_findings),
    ("磁盘", disk_findings),
)


def run_doctor(config: Config, *, repair: bool = False, out: Callable[[str], None] = print) -> int:
    """Check everything and print one line per finding; with `repair`, repair what is safe and check again.
    Returns the exit status: 1 when something is wrong (故障), else 0."""
    findings = diagnose(config)
    if repair:
        done = [_repaired(f) for f in findings if f.repair is not None]
        for line in done or ["没有需要修复的项目"]:
            out(one_line(f"[修复] {line}"))
        if done:
            findings = diagnose(config)
    for finding in findings:
        out(finding.line)
    failed = sum(f.level == "fail" for f in findings)
    warned = sum(f.level == "warn" for f in findings)
    if failed or warned:
        out(f"共 {failed} 项故障、{warned} 项需要注意。" + ("" if repair else _offer(findings)))
    else:
        out("检查完毕：一切正常。")
    return 1 if failed else 0


def _offer(findings: list[Finding]) -> str:
    """The hint to repair, when something wrong can be repaired."""
    return "可以先运行 kiosk doctor --repair。" if any(f.repair and f.level != "ok" for f in findings) else ""


def _repaired(finding: Finding) -> str:
    assert finding.repair is not None
    try:
        return finding.repair()
    except Exception as exc:
        log.exception("kiosk doctor: the repair of %s failed", finding.area)
        return f"{finding.area}：未能修复（{type(exc).__name__}: {exc}）"


def diagnose(config: Config) -> list[Finding]:
    """Every check's findings; a check that breaks is itself a finding, and the others still run."""
    found: list[Finding] = []
    for area, check in CHECKS:
        try:
            found += list(check(config))
        except Exception as exc:
            log.exception("kiosk doctor: the check of %s failed", area)
            found.append(
                Finding("fail", area, f"检查时出错（{type(exc).__name__}: {exc}）", "请把 logs/kiosk.log 交给维护人员")
            )
    return found
