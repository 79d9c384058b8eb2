"""What a setting allows, and how to say it in one line: a finite number in bounds, visible text of a length, a
time of day, a switch. `kiosk.config` declares each setting with one of these."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

Value = str | int | float | bool


class Allowed(Protocol):
    """What values a setting takes, and how to say so."""

    def admits(self, value: Value) -> bool:
        """Whether `value` (already of the setting's type) is allowed."""
        ...

    def describe(self, kind: type) -> str:
        """The allowed values in words, for a one-line error."""
        ...


@dataclass(frozen=True, slots=True)
class Between:
    """A finite number from `low` to `high`, both included."""

    low: float
    high: float
    unit: str = ""

    def admits(self, value: Value) -> bool:
        """Finite and within the bounds (nan and inf never are)."""
        return isinstance(value, (int, float)) and math.isfinite(value) and self.low <= value <= self.high

    def describe(self, kind: type) -> str:
        """'a whole number from 0 to 100 (pages)'."""
        noun = "a whole number" if kind is int else "a number"
        unit = f" ({self.unit})" if self.unit else ""
        return f"{noun} from {_number(self.low)} to {_number(self.high)}{unit}"


# Characters a person cannot see or that steer the terminal or the printer: C0/C1 controls, format characters
# (zero-width, direction overrides), surrogates, private use, line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class Text:
    """Text of `shortest` to `longest` characters, none of them hidden or a control character."""

    shortest: int = 0
    longest: int = 4096

    def admits(self, value: Value) -> bool:
        """Its length within bounds (blank counts as empty), every character visible or a plain space."""
        if not isinstance(value, str) or not self.shortest <= len(value) <= self.longest:
            return False
        if self.shortest and not value.strip():
            return False
        return not any(unicodedata.category(char) in _HIDDEN for char in value)

    def describe(self, kind: type) -> str:
        """'text of 1 to 40 characters, without control or invisible characters'."""
        size = f"up to {self.longest}" if not self.shortest else f"{self.shortest} to {self.longest}"
        return f"text of {size} characters, without control or invisible characters"


_CLOCK = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", re.ASCII)


@dataclass(frozen=True, slots=True)
class ClockTime:
    """A local time of day, HH:MM."""

    def admits(self, value: Value) -> bool:
        """00:00 to 23:59 in ASCII digits."""
        return isinstance(value, str) and _CLOCK.fullmatch(value) is not None

    def describe(self, kind: type) -> str:
        """'a time of day HH:MM from 00:00 to 23:59'."""
        return "a time of day HH:MM from 00:00 to 23:59 (for example 02:30)"


@dataclass(frozen=True, slots=True)
class Either:
    """true or false."""

    def admits(self, value: Value) -> bool:
        """Any bool."""
        return isinstance(value, bool)

    def describe(self, kind: type) -> str:
        """'true or false'."""
        return "true or false"


def _number(value: float) -> str:
    """A bound as staff write it: 3600, 0.1."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
