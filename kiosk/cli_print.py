"""The CLI's printing and staff commands: `kiosk print`, `kiosk jobs …`, `kiosk printers …`, `kiosk staff …`.

Every staff action here goes to the audit log as done from the "cli", like
the console's as done from the "console".
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import os
import re
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.config import Config
from kiosk.errors import KioskError
from printing.job_states import ACTIVE_STATES, ALL_STATES

if TYPE_CHECKING:  # the stores load with a command that uses them, not with every `kiosk` command
    from kiosk.services import Services
    from kiosk.state import PrintJob


def _services(config: Config) -> Services:
    from kiosk.bootstrap import build_services

    return build_services(config)


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds from 0 to an hour (nan would wait for ever, inf overflows)."""
    try:
        value = float(text) if re.fullmatch(r"\s*\d+(\.\d*)?\s*", text, re.ASCII) else math.nan
    except ValueError:
        value = math.nan
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return value


def count(text: str) -> int:
    """An argparse type: a whole number from 1 to 100000."""
    value = int(text) if re.fullmatch(r"\s*\d{1,6}\s*", text, re.ASCII) else 0
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 100000")
    return value


def job_number(text: str) -> str:
    """An argparse type: a job number as on the slip, in ASCII digits (a full-width １２ is not job 12)."""
    if not re.fullmatch(r"\s*#?\d{1,12}\s*", text, re.ASCII):
        raise argparse.ArgumentTypeError(f"{text!r} is not a job number (digits as on the slip, such as 0042)")
    return text


def cmd_print(args: argparse.Namespace, config: Config) -> int:
    """Print a copy of one item: waits for the printer, then prints the job number and outcome."""
    if args.attachment is not None and args.to == "receipt":
        # A slip is the item's own short form; an attachment is the publisher's PDF, which only A4 can carry.
        print(
            "kiosk print: error: a receipt printer prints the item's slip, not an attachment: leave out "
            "--to receipt to print the attachment on A4, or --attachment for the slip",
            file=sys.stderr,
        )
        return 2
    services = _services(config)
    try:
        services.queue.recover()
        outcome = services.print_copy(args.index_no, args.to, attachment=args.attachment, wait=args.wait)
    finally:
        services.close()
    print(
        f"job {outcome.job_no}: {outcome.state}, {outcome.pages} {'page' if outcome.pages == 1 else 'pages'}"
        f" on {outcome.output or 'the printer'}"
    )
    print(outcome.message)
    return 0 if outcome.state in ("done", "awaiting_release", "printing") else 2


def _job_json(job: PrintJob) -> dict[str, Any]:
    from kiosk.state import as_local

    def stamp(moment: datetime | None) -> str | None:
        return as_local(moment).isoformat(timespec="seconds") if moment else None

    return {
        "job_no": job.job_no,
        "state": job.state,
        "kind": job.kind,
        "pages": job.pages,
        "index_no": job.index_no,
        "title": job.title,
        "source": job.source,
        "fee_cents": job.fee_cents,
        "attempts": job.attempts,
        "printer": job.output,
        "handle": job.handle,
        "error": job.error,
        "warning": job.warning,
        "created_at": stamp(job.created_at),
        "updated_at": stamp(job.updated_at),
        "expires_at": stamp(job.expires_at),
        "released_at": stamp(job.released_at),
        "collected_at": stamp(job.collected_at),
        "finished_at": stamp(job.finished_at),
        "reprint_of": f"{job.reprint_of:04d}" if job.reprint_of else None,
    }


def cmd_jobs(args: argparse.Namespace, config: Config) -> int:
    """List print jobs, or act on one: release, cancel, reprint, collected."""
    from kiosk.jobs import job_id

    services = _services(config)
    try:
        if args.action == "list":
            return _list_jobs(services, args)
        if args.action == "resume":
            return _resume(services, args.wait)
        action = {
            "release": services.queue.release,
            "cancel": services.queue.cancel,
            "reprint": services.queue.reprint,
            "collected": services.queue.collected,
        }[args.action]
        job = action(args.job_no, "cli")
        if args.action in ("release", "reprint"):  # the printer takes it now, as it would from the kiosk
            job = services.wait_for(job.job_no, args.wait)
        if args.action == "reprint":
            print(f"job {job_id(args.job_no):04d} reprinted as job {job.job_no}: {job.state}")
        else:
            print(f"job {job.job_no}: {job.state}")
        if job.error and job.state != "done":
            print(job.error)
        return 0
    finally:
        services.close()


def _list_jobs(services: Services, args: argparse.Namespace) -> int:
    from kiosk.jobs import describe_time

    states = ACTIVE_STATES if args.state == "active" else (args.state,) if args.state else ()
    jobs = services.queue.jobs(states, today=args.today, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                {"jobs": [_job_json(j) for j in jobs], "today": vars_of(services.queue.today())}, ensure_ascii=False
            )
        )
        return 0
    if not jobs:
        print("no print jobs")
    for job in jobs:
        extra = f"  ({job.error})" if job.error and job.state not in ("done",) else ""
        print(
            f"{job.job_no}  {job.state:<16} {job.kind:<7} {job.pages:>3} p  {describe_time(job.created_at):<16} "
            f"{job.title[:40]}{extra}"
        )
    return 0


def _resume(services: Services, wait: float) -> int:
    """What the kiosk does at start: jobs cut off mid-hand-off go to staff, the queued ones are sent."""
    for job in services.queue.recover():
        print(f"job {job.job_no}: check_printer (the kiosk stopped while sending it: check whether it printed)")
    pending = services.queue.jobs(("queued", "printing"))
    for job in pending:
        job = services.wait_for(job.job_no, wait)
        print(f"job {job.job_no}: {job.state}{f' ({job.error})' if job.error and job.state != 'done' else ''}")
    if not pending:
        print("no job to send")
    return 0


def vars_of(counts: object) -> dict[str, Any]:
    return {name: getattr(counts, name) for name in counts.__slots__}  # type: ignore[attr-defined]


def cmd_printers(args: argparse.Namespace, config: Config) -> int:
    """Show each printer's state, or send a test page to one."""
    services = _services(config)
    try:
        if args.action == "test":
            job = services.test_print(args.printer, "cli")
            job = services.wait_for(job.job_no, args.wait)
            print(f"test page job {job.job_no} on {services.queue.printers[args.printer].name}: {job.state}")
            if job.error:
                print(job.error)
            return 0 if job.state == "done" else 2
        status = services.printer_status()
        if args.json:
            print(
                json.dumps(
                    {
                        kind: {
                            "name": name,
                            "state": s.state,
                            "reason": s.reason,
                            "paper": s.paper,
                            "ready": s.ready,
                            "last_error": error,
                        }
                        for kind, (name, s, error) in status.items()
                    },
                    ensure_ascii=False,
                )
            )
            return 0
        for kind, (name, s, error) in status.items():
            role = "document" if kind == "a4" else "receipt"
            print(f"{role:<9} {name}: {s.state}{f' ({s.reason})' if s.reason else ''}, paper {s.paper}")
            if error:
                print(f"          last error: {error}")
        return 0
    finally:
        services.close()


def cmd_staff(args: argparse.Namespace, config: Config) -> int:
    """Set the staff console's PIN (4 to 12 digits): asked twice on the terminal, or read from the first line of
    standard input with --stdin (for scripts; a PIN is never an argument, which `ps` and the shell history keep)."""
    from kiosk.bootstrap import state_url
    from kiosk.staff import PinError, StaffAccess, check_new_pin
    from kiosk.state import StateStore

    pin = _pin_from_stdin() if args.stdin else _pin_from_terminal()
    try:
        check_new_pin(pin)  # before the state store is opened: a wrong PIN changes nothing
    except PinError as exc:
        raise KioskError(str(exc)) from None
    state = StateStore(state_url(config))
    try:
        StaffAccess(state).set_pin(pin, "cli")
    finally:
        state.close()
    print("staff PIN set")
    return 0


def _pin_from_stdin() -> str:
    """The first line of standard input; a plain refusal when there is none."""
    try:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):  # closed, or not text
        line = ""
    if not line.strip():
        raise KioskError("no PIN on standard input (give one line of 4 to 12 digits); nothing was changed")
    return line.strip()


def _pin_from_terminal() -> str:
    """The PIN typed twice, unseen, on the controlling terminal; a plain refusal when there is no terminal."""
    if not _has_terminal():
        raise KioskError(
            "no terminal to ask for the PIN: run this in a terminal, or give the PIN on standard "
            "input with --stdin (echo … | kiosk staff set-pin --stdin); nothing was changed"
        )
    try:
        pin = getpass.getpass("New staff PIN: ")
        again = getpass.getpass("Again: ")
    except EOFError:
        raise KioskError("no PIN was entered; nothing was changed") from None
    if again != pin:
        raise KioskError("the two PINs differ; nothing was changed")
    return pin


def _has_terminal() -> bool:
    """Whether getpass can ask unseen: it reads /dev/tty, and without one it would echo from stdin or fail."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def add_parsers(sub: Any) -> None:
    """The printing and staff subcommands."""
    prt = sub.add_parser("print", help="print a copy of an item", description=cmd_print.__doc__)
    prt.add_argument("index_no", metavar="INDEX_NO", help="the item's 索引号")
    prt.add_argument("--to", choices=("a4", "receipt"), default="a4", help="A4 copy or receipt slip (default a4)")
    prt.add_argument(
        "--attachment",
        metavar="NAME",
        help="print this PDF attachment of the item as it is (A4 only: a receipt printer refuses it)",
    )
    prt.add_argument("--wait", type=seconds, default=60.0, help="seconds to wait for the printer (default 60)")
    prt.set_defaults(func=cmd_print)

    jobs = sub.add_parser("jobs", help="list print jobs, release, cancel, reprint", description=cmd_jobs.__doc__)
    actions = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the newest jobs first")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.add_argument("--today", action="store_true", help="only today's jobs")
    listing.add_argument(
        "--state", choices=(*ALL_STATES, "active"), help="only jobs in this state ('active': not ended)"
    )
    listing.add_argument("--limit", type=count, default=100, help="jobs to show (default 100)")
    resume = actions.add_parser("resume", help="send the queued jobs now, as the kiosk does at start")
    resume.add_argument("--wait", type=seconds, default=60.0, help="seconds to wait for each job (default 60)")
    for name, text in (
        ("release", "let a held job print"),
        ("cancel", "withdraw a job not printed yet"),
        ("reprint", "print a job's copy again, as a new job"),
        ("collected", "mark a job collected (also: a job to check did print)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("job_no", metavar="JOB", type=job_number, help="the job number, as on the slip (0042)")
        action.add_argument("--wait", type=seconds, default=60.0, help="seconds to wait for the printer (default 60)")
    jobs.set_defaults(func=cmd_jobs)

    printers = sub.add_parser("printers", help="printer states, test pages", description=cmd_printers.__doc__)
    pacts = printers.add_subparsers(dest="action", required=True, metavar="ACTION")
    status = pacts.add_parser("status", help="each printer's state and last error")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    test = pacts.add_parser("test", help="print a test page")
    test.add_argument("printer", choices=("a4", "receipt"), help="the document (a4) or the receipt printer")
    test.add_argument("--wait", type=seconds, default=60.0, help="seconds to wait for the printer (default 60)")
    printers.set_defaults(func=cmd_printers)

    staff = sub.add_parser("staff", help="staff console PIN", description=cmd_staff.__doc__)
    sacts = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    setpin = sacts.add_parser("set-pin", help="set the PIN of the staff console")
    setpin.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    staff.set_defaults(func=cmd_staff)
