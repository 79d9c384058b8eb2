"""Configuration: every setting declared once, read from defaults, KIOSK_HOME/kiosk.toml and the environment.

Precedence, lowest first: the declared default, the TOML file, the environment
variable `KIOSK_<SECTION>_<NAME>`. `kiosk config` prints the effective values and
where each came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from kiosk.errors import ConfigError

Value = str | int | float | bool
CONFIG_FILE = "kiosk.toml"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: where it lives, its type, its default and what it does."""

    section: str
    name: str
    type: type
    default: Value
    help: str
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env_var(self) -> str:
        return f"KIOSK_{self.section}_{self.name}".upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("room", "name", str, "查阅终端1", "This kiosk's name in the reading room, printed on every copy."),
    Setting("session", "idle_timeout", float, 120.0, "Seconds without a touch before the idle warning appears."),
    Setting("session", "idle_warning", float, 10.0, "Seconds the idle warning counts down before returning Home."),
    Setting("display", "width", int, 1080, "Window width in pixels (1080 for a portrait touchscreen)."),
    Setting("display", "height", int, 1920, "Window height in pixels (1920 for a portrait touchscreen)."),
    Setting("display", "fullscreen", bool, False, "Open the window full screen (a kiosk's touchscreen)."),
    Setting("display", "font", str, "", "Path of a TrueType CJK font; empty finds WenQuanYi Micro Hei."),
    Setting("content", "database", str, "", "Path of the content cache (SQLite); empty is KIOSK_HOME/content.db."),
    Setting("content", "demo_count", int, 2000, "Generated demo items loaded when the cache is empty at start."),
    Setting("content", "demo_seed", int, 1, "Seed of the generated demo items (same seed, same items)."),
    Setting("state", "database", str, "", "SQLAlchemy URL of the kiosk state store; empty is KIOSK_HOME/state.db."),
    Setting("printing", "document", str, "spool://spool",
            "A4 copies go to cups://QUEUE or spool://DIR (a relative DIR is under KIOSK_HOME)."),
    Setting("printing", "receipt", str, "spool://spool",
            "Slips go to tcp://HOST:PORT, usb://VID:PID, serial:///dev/…, file:///… or spool://DIR; "
            "options ?profile=58mm|80mm&text=gb18030|raster."),
    Setting("printing", "pages_per_visit", int, 50, "Pages one visitor may print before staff help (0: no limit)."),
    Setting("printing", "pages_per_day", int, 1000, "Pages this kiosk prints in a day (0: no limit)."),
    Setting("printing", "release_above_pages", int, 20,
            "A4 copies of more pages wait for staff to release them (0: every A4 copy waits)."),
    Setting("printing", "fee_per_page", float, 0.0, "Fee per A4 page in yuan, shown before confirming (0: free)."),
    Setting("printing", "hold_hours", float, 4.0, "Hours a job waits for release before it expires."),
    Setting("staff", "gesture_taps", int, 5, "Taps on the screen's top-right corner within 3 s that open the PIN pad."),
    Setting("sync", "source", str, "", "Where the feed comes from: an http(s) URL, a folder or a .zip bundle."),
    Setting("sync", "trusted_keys", str, "", "Publisher public key files (PEM), comma-separated; two during a rotation."),
    Setting("sync", "time", str, "02:30", "Local time of the nightly sync (HH:MM); a missed one runs at start."),
    Setting("sync", "jitter_minutes", int, 30, "Random delay of up to this many minutes after sync.time."),
    Setting("sync", "in_app", bool, True, "Run the nightly sync inside the kiosk; false when systemd or cron runs it."),
    Setting("sync", "max_attachment_mb", int, 50, "Attachments larger than this many MiB are refused."),
    Setting("printing", "collect_at", str, "服务台", "Where a citizen collects a printout: the screen says 请到…领取."),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def kiosk_home(environ: Mapping[str, str] = os.environ) -> Path:
    """KIOSK_HOME, or the platform's user data folder."""
    home = environ.get("KIOSK_HOME")
    return Path(home).expanduser().resolve() if home else Path(user_data_dir("reading-room-kiosk"))


def attachments_dir(config: Config) -> Path:
    """Where the sync stores attachments (by SHA-256) and printing reads them."""
    return config.home / "attachments"


def _coerce(setting: Setting, raw: object, origin: str) -> Value:
    value = _parse(setting, raw, origin)
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"{setting.key} ({origin}) must be one of {', '.join(setting.choices)}, not {value!r}")
    return value


def _parse(setting: Setting, raw: object, origin: str) -> Value:
    wrong = ConfigError(f"{setting.key} ({origin}) must be {setting.type.__name__}, not {raw!r}")
    if setting.type is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        raise wrong
    if isinstance(raw, bool):
        raise wrong
    try:
        return setting.type(raw)  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        raise wrong from None


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration: a value and its origin for every declared setting."""

    home: Path
    values: Mapping[str, Value]
    origins: Mapping[str, str]

    def get(self, key: str) -> Value:
        """The value of a setting by `section.name`."""
        return self.values[key]

    def text(self, key: str) -> str:
        return str(self.values[key])

    def number(self, key: str) -> float:
        value = self.values[key]
        assert isinstance(value, (int, float))
        return float(value)

    def path(self, key: str, default_name: str) -> Path:
        """A path setting; empty means `default_name` under KIOSK_HOME."""
        value = str(self.values[key])
        return Path(value).expanduser() if value else self.home / default_name

    @property
    def file(self) -> Path:
        return self.home / CONFIG_FILE


def _read_file(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    flat: dict[str, object] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section} must be a [section] table")
        for name, value in table.items():
            if f"{section}.{name}" not in BY_KEY:
                raise ConfigError(f"{path}: unknown setting {section}.{name} (see `kiosk config`)")
            flat[f"{section}.{name}"] = value
    return flat


def load_config(environ: Mapping[str, str] = os.environ) -> Config:
    """Defaults, then the config file in KIOSK_HOME, then KIOSK_<SECTION>_<NAME> variables."""
    home = kiosk_home(environ)
    from_file = _read_file(home / CONFIG_FILE)
    values: dict[str, Value] = {}
    origins: dict[str, str] = {}
    for s in SETTINGS:
        values[s.key], origins[s.key] = s.default, "default"
        if s.key in from_file:
            values[s.key] = _coerce(s, from_file[s.key], f"file {home / CONFIG_FILE}")
            origins[s.key] = "file"
        if s.env_var in environ:
            values[s.key] = _coerce(s, environ[s.env_var], f"environment {s.env_var}")
            origins[s.key] = f"env {s.env_var}"
    return Config(home, values, origins)


def _toml_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(config: Config) -> str:
    """The effective configuration as TOML, each line commented with its origin and help."""
    exists = "" if config.file.exists() else " (not present)"
    lines = [f"# KIOSK_HOME: {config.home}", f"# config file: {config.file}{exists}"]
    section = ""
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += ["", f"[{section}]"]
        lines.append(f"{s.name} = {_toml_value(config.values[s.key])}  # {config.origins[s.key]}; {s.help}")
    return "\n".join(lines)
