"""Strict readers for JSON values; every complaint names where the value came from."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from content_cache.feed.errors import FormatError
from content_cache.feed.schema import Day, Text, Whole
from content_cache.records import ColumnRecord, clean_body, describe_character, hiding_character, shows_something

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)  # used with fullmatch: no other digits, no newline
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two parsers may keep different copies of a repeated key; refuse the ambiguity.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the field {key!r} appears twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def loads(data: str | bytes, where: str) -> Any:
    """Parse JSON strictly (no repeated keys, no NaN); FormatError names `where`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise FormatError(f"{where}: not valid UTF-8 text") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:  # "[[[[…" thousands deep: no feed file nests like that
        raise FormatError(f"{where}: not valid JSON (lists or objects nested far too deeply)") from None
    except ValueError as exc:
        raise FormatError(f"{where}: not valid JSON ({exc})") from None


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Fields:
    """A JSON object read field by field: exact keys, exact types."""

    def __init__(
        self, value: object, where: str, what: str, required: Collection[str], optional: Collection[str] = ()
    ) -> None:
        if not isinstance(value, dict):
            raise FormatError(f"{where}: {what} must be a JSON object")
        missing = [name for name in required if name not in value]
        if missing:
            raise FormatError(f"{where}: {what} has no {', '.join(map(repr, missing))} field")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            raise FormatError(f"{where}: {what} has an unknown field {unknown[0]!r}")
        self.value: dict[str, Any] = value
        self.where = where

    def fail(self, message: str) -> FormatError:
        """An error about this object."""
        return FormatError(f"{self.where}: {message}")

    def text(self, name: str, rule: Text) -> str:
        """The text field `name`, checked against its rule in the schema; a body comes back cleaned."""
        value = self.value.get(name)
        if not isinstance(value, str):
            raise self.fail(f"{name} must be text, not {_kind(value)}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.fail(f"{name} holds characters that are not valid Unicode") from None
        if len(value) > rule.max_chars:
            raise self.fail(f"{name} is {len(value):,} characters long, over the limit of {rule.max_chars:,}")
        if rule.pattern is not None:
            if not rule.pattern.fullmatch(value):
                raise self.fail(f"{rule.label or name} {_shown(value)} is not of the form {rule.form}{_odd(value)}")
            return value
        if rule.single_line and (char := hiding_character(value)) is not None:
            raise self.fail(f"{name} {_shown(value)} holds the control or invisible character "
                            f"{describe_character(char)}, which hides or reorders text; remove it")  # fmt: skip
        if rule.visible and not shows_something(value):
            raise self.fail(f"{name} is empty or shows nothing (only spaces or invisible characters)")
        return value if rule.single_line else clean_body(value)

    def opt_text(self, name: str, rule: Text) -> str | None:
        return None if self.value.get(name) is None else self.text(name, rule)

    def integer(self, name: str, rule: Whole) -> int:
        """The whole-number field `name`, within its rule's range."""
        value = self.value.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{name} must be a whole number, not {_kind(value)}")
        if not rule.minimum <= value <= rule.maximum:
            shown = f"{value:,}" if abs(value) < 10**30 else f"a number of {len(str(abs(value)))} digits"
            raise self.fail(f"{name} is {shown}, outside the allowed range {rule.minimum:,} to {rule.maximum:,}")
        return value

    def day(self, name: str, rule: Day) -> date:
        """The date field `name` (YYYY-MM-DD), within its rule's range."""
        value = self.value.get(name)
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.fail(f"{name} {_shown(value)} is not a date (expected YYYY-MM-DD)")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{name} {value!r} is not a date (expected YYYY-MM-DD)") from None
        if not rule.first <= day <= rule.last:
            raise self.fail(f"{name} {value} is outside the allowed dates {rule.first} to {rule.last}")
        return day

    def opt_day(self, name: str, rule: Day) -> date | None:
        return None if self.value.get(name) is None else self.day(name, rule)

    def sha256(self, name: str) -> str:
        value = self.value.get(name)
        if not isinstance(value, str) or not SHA256_HEX.fullmatch(value):
            raise self.fail(f"{name} {value!r} is not a SHA-256 (64 lower-case hex digits)")
        return value

    def array(self, name: str) -> list[Any]:
        value = self.value.get(name)
        if not isinstance(value, list):
            raise self.fail(f"{name} must be a list, not {_kind(value)}")
        return value


def _shown(value: object) -> str:
    """A value for a one-line message: escaped, and cut short when long."""
    text = ascii(value) if isinstance(value, str) and hiding_character(value) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _odd(value: str) -> str:
    """What makes a text that looks right fail an ASCII pattern: its first character outside printable ASCII."""
    odd = next((c for c in value if not " " < c < "\x7f"), None)
    return "" if odd is None else f" (it holds {describe_character(odd)})"


def _kind(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def first_duplicate(codes: Iterable[str]) -> str | None:
    """The first code that appears a second time, or None."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            return code
        seen.add(code)
    return None


def first_orphan(columns: Iterable[ColumnRecord]) -> ColumnRecord | None:
    """The first column whose parent is not listed before it, or None."""
    seen: set[str] = set()
    for col in columns:
        if col.parent_code is not None and col.parent_code not in seen:
            return col
        seen.add(col.code)
    return None
