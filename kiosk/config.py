"""Configuration: every setting declared once, with its type, default, allowed values and help.

The declaration is one frozen dataclass per section (`Room`, `Session`, …, gathered
in `Settings`); each field is a setting, its annotation the type and its metadata
the allowed values (`kiosk.allowed`) and the help. `SETTINGS` and the environment variables derive
from it when this module is imported, and a default outside its own range fails
that import. The running kiosk reads typed values (`config.settings.printing.fee_per_page`).

Precedence, lowest first: the declared default, the TOML file, the environment
variable `KIOSK_<SECTION>_<NAME>`. A value that does not parse, or parses but lies
outside what the setting allows (nan, inf, 1e400, a negative count, a window of
0 pixels, control characters in a name), is refused: `load_config()` stops the
start with one line naming the setting, the value, where it came from and what
is allowed; `load_config(strict=False)` keeps the default in its place and
lists the problem, for `kiosk config` and `kiosk doctor` to show.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from platformdirs import user_data_dir

from kiosk.allowed import Allowed, Between, ClockTime, Either, Text, Value
from kiosk.errors import ConfigError

__all__ = [
    "BY_KEY",
    "SETTINGS",
    "Allowed",
    "Between",
    "ClockTime",
    "Config",
    "ConfigError",
    "Either",
    "Problem",
    "Setting",
    "Settings",
    "Text",
    "Value",
    "attachments_dir",
    "describe",
    "kiosk_home",
    "load_config",
]

CONFIG_FILE = "kiosk.toml"


def setting(default: Value, help: str, allowed: Allowed) -> Any:
    """One setting's declaration, as a field of its section's dataclass."""
    return field(default=default, metadata={"help": help, "allowed": allowed})


NAME, PATH = Text(1, 40), Text(0, 4096)


@dataclass(frozen=True, slots=True)
class Room:
    """[room]"""

    name: str = setting("查阅终端1", "This kiosk's name in the reading room, printed on every copy.", NAME)
    place: str = setting(
        "政府信息查阅场所",
        "The reading room's name, heading the figures of `kiosk stats` and the staff console.",
        Text(1, 60),
    )


@dataclass(frozen=True, slots=True)
class Session:
    """[session]"""

    idle_timeout: float = setting(
        120.0, "Seconds without a touch before the idle warning appears.", Between(5, 3600, "seconds")
    )
    idle_warning: float = setting(
        10.0, "Seconds the idle warning counts down before returning Home.", Between(3, 300, "seconds")
    )


@dataclass(frozen=True, slots=True)
class Display:
    """[display]"""

    width: int = setting(
        1080, "Window width in pixels (1080 for a portrait touchscreen).", Between(480, 7680, "pixels")
    )
    height: int = setting(
        1920, "Window height in pixels (1920 for a portrait touchscreen).", Between(480, 7680, "pixels")
    )
    fullscreen: bool = setting(False, "Open the window full screen (a kiosk's touchscreen).", Either())
    font: str = setting("", "Path of a TrueType CJK font; empty finds WenQuanYi Micro Hei.", PATH)
    handwriting_model: str = setting(
        "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model",
        "Zinnia model of the search screen's 手写 pad; empty, or no Zinnia library, leaves the pinyin keys alone.",
        PATH,
    )


@dataclass(frozen=True, slots=True)
class Content:
    """[content]"""

    database: str = setting("", "Path of the content cache (SQLite); empty is KIOSK_HOME/content.db.", PATH)
    demo_count: int = setting(
        2000, "Generated demo items loaded when the cache is empty at start.", Between(0, 2_000_000, "items")
    )
    demo_seed: int = setting(1, "Seed of the generated demo items (same seed, same items).", Between(0, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class State:
    """[state]"""

    database: str = setting("", "SQLAlchemy URL of the kiosk state store; empty is KIOSK_HOME/state.db.", PATH)
    backup_days: int = setting(
        14, "Days the daily backups of the state store are kept (the newest always is).", Between(1, 3650, "days")
    )
    usage_days: int = setting(
        1095,
        "Days the anonymous usage events are kept; older ones leave only their daily totals.",
        Between(1, 36500, "days"),
    )


@dataclass(frozen=True, slots=True)
class Printing:
    """[printing]"""

    document: str = setting(
        "spool://spool",
        "A4 copies go to cups://QUEUE or spool://DIR (a relative DIR is under KIOSK_HOME).",
        Text(1, 4096),
    )
    receipt: str = setting(
        "spool://spool",
        "Slips go to tcp://HOST:PORT, usb://VID:PID, serial:///dev/…, file:///… or spool://DIR; "
        "options ?profile=58mm|80mm&text=gb18030|raster.",
        Text(1, 4096),
    )
    pages_per_visit: int = setting(
        50, "Pages one visitor may print before staff help (0: no limit).", Between(0, 10_000, "pages")
    )
    pages_per_day: int = setting(1000, "Pages this kiosk prints in a day (0: no limit).", Between(0, 100_000, "pages"))
    release_above_pages: int = setting(
        20,
        "A4 copies of more pages wait for staff to release them (0: every A4 copy waits).",
        Between(0, 10_000, "pages"),
    )
    fee_per_page: float = setting(
        0.0, "Fee per A4 page in yuan, shown before confirming (0: free).", Between(0, 100, "yuan")
    )
    hold_hours: float = setting(4.0, "Hours a job waits for release before it expires.", Between(0.1, 720, "hours"))
    collect_at: str = setting("服务台", "Where a citizen collects a printout: the screen says 请到…领取.", Text(1, 20))


@dataclass(frozen=True, slots=True)
class Staff:
    """[staff]"""

    gesture_taps: int = setting(
        5, "Taps on the screen's top-right corner within 3 s that open the PIN pad.", Between(3, 20, "taps")
    )


@dataclass(frozen=True, slots=True)
class Sync:
    """[sync]"""

    source: str = setting("", "Where the feed comes from: an http(s) URL, a folder or a .zip bundle.", PATH)
    trusted_keys: str = setting("", "Publisher public key files (PEM), comma-separated; two during a rotation.", PATH)
    time: str = setting("02:30", "Local time of the nightly sync (HH:MM); a missed one runs at start.", ClockTime())
    jitter_minutes: int = setting(
        30, "Random delay of up to this many minutes after sync.time.", Between(0, 720, "minutes")
    )
    in_app: bool = setting(True, "Run the nightly sync inside the kiosk; false when systemd or cron runs it.", Either())
    max_attachment_mb: int = setting(50, "Attachments larger than this many MiB are refused.", Between(1, 4096, "MiB"))


@dataclass(frozen=True, slots=True)
class Settings:
    """Every section, each a typed value object: `settings.printing.fee_per_page` is a float in range."""

    room: Room = field(default_factory=Room)
    session: Session = field(default_factory=Session)
    display: Display = field(default_factory=Display)
    content: Content = field(default_factory=Content)
    state: State = field(default_factory=State)
    printing: Printing = field(default_factory=Printing)
    staff: Staff = field(default_factory=Staff)
    sync: Sync = field(default_factory=Sync)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as declared: where it lives, its type, its default, what it allows and what it does."""

    section: str
    name: str
    type: type
    default: Value
    help: str
    allowed: Allowed

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env_var(self) -> str:
        return f"KIOSK_{self.section}_{self.name}".upper()

    @property
    def range_text(self) -> str:
        """What the setting allows, in words."""
        return self.allowed.describe(self.type)


def _declared(section: str, spec: Field[Any], kind: type) -> Setting:
    default = spec.default
    if default is MISSING:
        raise TypeError(f"{section}.{spec.name}: a setting needs a default")
    found = Setting(section, spec.name, kind, default, spec.metadata["help"], spec.metadata["allowed"])
    if type(found.default) is not kind or not found.allowed.admits(found.default):
        raise TypeError(f"{found.key}: the default {found.default!r} is not {found.range_text}")
    return found


def _declare_all() -> tuple[Setting, ...]:
    """Every setting from the section dataclasses, each default checked against its own declaration."""
    found: list[Setting] = []
    for section in fields(Settings):
        section_type = get_type_hints(Settings)[section.name]
        hints = get_type_hints(section_type)
        found += [_declared(section.name, spec, hints[spec.name]) for spec in fields(section_type)]
        assert all(spec.default is not MISSING for spec in fields(section_type))
    return tuple(found)


SETTINGS: tuple[Setting, ...] = _declare_all()
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def kiosk_home(environ: Mapping[str, str] = os.environ) -> Path:
    """KIOSK_HOME, or the platform's user data folder."""
    home = environ.get("KIOSK_HOME")
    return Path(home).expanduser().resolve() if home else Path(user_data_dir("reading-room-kiosk"))


def attachments_dir(config: Config) -> Path:
    """Where the sync stores attachments (by SHA-256) and printing reads them."""
    return config.home / "attachments"


_INTEGER = re.compile(r"\s*[+-]?\d{1,30}\s*", re.ASCII)
_DECIMAL = re.compile(r"\s*[+-]?(\d{1,400}(\.\d*)?|\.\d+)([eE][+-]?\d{1,6})?\s*", re.ASCII)
_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


class _Refused(ValueError):
    """A raw value that is not of the setting's type or not allowed by it."""


def _parse(setting: Setting, raw: object) -> Value:
    """`raw` (from TOML, or a string from the environment) as the setting's type; _Refused when it is not."""
    kind = setting.type
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _BOOLEANS:
            return _BOOLEANS[raw.strip().lower()]
    elif isinstance(raw, bool):
        pass  # true is not the number 1, nor the text "True"
    elif kind is str and isinstance(raw, str):
        return raw
    elif kind is int and (isinstance(raw, int) or isinstance(raw, str) and _INTEGER.fullmatch(raw)):
        return int(raw)
    elif kind is float and isinstance(raw, (int, float)):
        return float(raw)
    elif kind is float and isinstance(raw, str) and _DECIMAL.fullmatch(raw):
        return float(raw)  # 1e400 is inf here, and refused by the range
    raise _Refused


def _checked(setting: Setting, raw: object) -> Value:
    value = _parse(setting, raw)
    if not setting.allowed.admits(value):
        raise _Refused
    return value


def _shown(raw: object) -> str:
    """The value as given, quoted when text, control characters escaped, cut to a readable length."""
    text = repr(raw) if not isinstance(raw, float) else str(raw)
    return text if len(text) <= 60 else text[:57] + "…"


def _visible(name: str) -> str:
    """A name from the file, control characters escaped, cut to a readable length."""
    return repr(name)[1:-1][:40]


@dataclass(frozen=True, slots=True)
class Problem:
    """A setting's value that was refused: which, what was given, from where, what is allowed."""

    key: str
    given: str
    origin: str
    allowed: str

    def __str__(self) -> str:
        return f"{self.key} = {self.given} ({self.origin}): must be {self.allowed}"


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration: a value and its origin for every declared setting, and what was refused."""

    home: Path
    values: Mapping[str, Value]
    origins: Mapping[str, str]
    settings: Settings = field(default_factory=Settings)
    problems: tuple[Problem | str, ...] = ()

    def get(self, key: str) -> Value:
        """The value of a setting by `section.name`, for what lists every setting (`kiosk config`, the doctor);
        the code reads its settings from the typed sections, `settings.printing.fee_per_page`."""
        return self.values[key]

    def path(self, key: str, default_name: str) -> Path:
        """A path setting; empty means `default_name` under KIOSK_HOME."""
        value = str(self.values[key])
        return Path(value).expanduser() if value else self.home / default_name

    @property
    def file(self) -> Path:
        return self.home / CONFIG_FILE


def _read_file(path: Path) -> tuple[dict[str, object], list[str]]:
    """The file's settings by key, and what is wrong with the file itself (unreadable, unknown names)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"cannot read {path}: {exc}"]
    flat: dict[str, object] = {}
    problems: list[str] = []
    for section, table in data.items():
        if not isinstance(table, dict):
            problems.append(f"{path}: {section} must be a [section] table")
            continue
        for name, value in table.items():
            if f"{section}.{name}" in BY_KEY:
                flat[f"{section}.{name}"] = value
            else:
                problems.append(f"{path}: unknown setting {_visible(section)}.{_visible(name)} (see `kiosk config`)")
    return flat, problems


def _typed(values: Mapping[str, Value]) -> Settings:
    sections = {}
    for section in fields(Settings):
        kind = get_type_hints(Settings)[section.name]
        sections[section.name] = kind(**{spec.name: values[f"{section.name}.{spec.name}"] for spec in fields(kind)})
    return Settings(**sections)


def load_config(environ: Mapping[str, str] = os.environ, *, strict: bool = True) -> Config:
    """Defaults, then the config file in KIOSK_HOME, then KIOSK_<SECTION>_<NAME> variables, each checked.

    Strict (the default), any refused value is a ConfigError of one line naming the first. Not strict, a refused
    value leaves the default in place and is listed in `Config.problems`.
    """
    home = kiosk_home(environ)
    from_file, problems = _read_file(home / CONFIG_FILE)
    found: list[Problem | str] = list(problems)
    values: dict[str, Value] = {}
    origins: dict[str, str] = {}
    for s in SETTINGS:
        values[s.key], origins[s.key] = s.default, "default"
        given = [(from_file[s.key], "file", f"file {home / CONFIG_FILE}")] if s.key in from_file else []
        if s.env_var in environ:
            given.append((environ[s.env_var], f"env {s.env_var}", f"environment {s.env_var}"))
        for raw, origin, source in given:
            try:
                values[s.key], origins[s.key] = _checked(s, raw), origin
            except _Refused:
                found.append(Problem(s.key, _shown(raw), source, s.range_text))
    if strict and found:
        more = f"; {len(found) - 1} more refused (`kiosk config` lists them)" if len(found) > 1 else ""
        raise ConfigError(f"{found[0]}{more}")
    return Config(home, values, origins, _typed(values), tuple(found))


def _toml_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(config: Config) -> str:
    """The effective configuration as TOML, each line commented with its origin, range and help; then what was
    refused, each line commented out."""
    exists = "" if config.file.exists() else " (not present)"
    lines = [f"# KIOSK_HOME: {config.home}", f"# config file: {config.file}{exists}"]
    section = ""
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += ["", f"[{section}]"]
        lines.append(
            f"{s.name} = {_toml_value(config.values[s.key])}  # {config.origins[s.key]}; {s.help}"
            f" Allowed: {s.range_text}."
        )
    if config.problems:
        lines += ["", f"# REFUSED ({len(config.problems)}): the kiosk will not start until these are corrected"]
        lines += [f"# {problem}" for problem in config.problems]
    return "\n".join(lines)
