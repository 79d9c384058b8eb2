"""Every setting's declared type and range: values that parse but make no sense are refused at load, naming the
setting, the value, where it came from and what is allowed; the defaults and both bounds are taken."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kiosk.config import (
    BY_KEY,
    SETTINGS,
    Between,
    ClockTime,
    ConfigError,
    Setting,
    Text,
    load_config,
)

NUMERIC = [s for s in SETTINGS if s.type in (int, float)]
TEXTS = [s for s in SETTINGS if s.type is str and isinstance(s.allowed, Text)]
HIDDEN = [
    "\x00",
    "\x07",
    "\x1b[2J",
    "\r",
    "\n",
    "\t",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\ue000",
    "\ud800",
]


def _bounds(setting: Setting) -> Between:
    assert isinstance(setting.allowed, Between)
    return setting.allowed


def _nonsense(setting: Setting) -> list[str]:
    """Values for a numeric setting that must be refused, as the environment would give them."""
    low, high = _bounds(setting).low, _bounds(setting).high
    values = [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "-1e400",
        "-1",
        str(high * 1000),
        "9" * 40,
        "many",
        "",
        " ",
        "１２",
        "٣",
        "0x10",
        "true",
        f"{high + 1}",
        f"{low - 0.5}",
    ]
    if setting.type is int:
        values += ["1e3", "2.5", "10.0", f"{int(high) + 1}"]
    if low > 0:
        values.append("0")
    return values


def _cases() -> list[tuple[str, str]]:
    return [(s.key, value) for s in NUMERIC for value in _nonsense(s)]


@pytest.mark.parametrize("key, value", _cases())
def test_a_number_that_makes_no_sense_is_refused_naming_setting_value_and_range(
    tmp_path: Path, key: str, value: str
) -> None:
    setting = BY_KEY[key]
    with pytest.raises(ConfigError) as refused:
        load_config({"KIOSK_HOME": str(tmp_path), setting.env_var: value})
    line = str(refused.value)
    assert "\n" not in line
    assert line.startswith(f"{key} = {value!r} (environment {setting.env_var}): must be ")
    assert line.endswith(setting.range_text)


TOML_NONSENSE = ["nan", "+inf", "-inf", "1e400", "-1", "99999999999999999999", "'5e'", "true", "[1]", "{a = 1}"]


@pytest.mark.parametrize("setting", NUMERIC, ids=lambda s: s.key)
@pytest.mark.parametrize("literal", TOML_NONSENSE)
def test_the_same_in_the_config_file(tmp_path: Path, setting: Setting, literal: str) -> None:
    if literal == "-1" and _bounds(setting).low <= -1:
        pytest.skip("allowed")
    (tmp_path / "kiosk.toml").write_text(f"[{setting.section}]\n{setting.name} = {literal}\n", "utf-8")
    with pytest.raises(ConfigError, match=rf"^{setting.key} = .* \(file {tmp_path / 'kiosk.toml'}\): must be "):
        load_config({"KIOSK_HOME": str(tmp_path)})


@pytest.mark.parametrize("setting", NUMERIC, ids=lambda s: s.key)
def test_both_bounds_and_the_default_are_taken(tmp_path: Path, setting: Setting) -> None:
    for value in (_bounds(setting).low, _bounds(setting).high, setting.default):
        text = str(int(value)) if setting.type is int else repr(float(value))
        config = load_config({"KIOSK_HOME": str(tmp_path), setting.env_var: text})
        assert config.get(setting.key) == value and type(config.get(setting.key)) is setting.type
        section = getattr(config.settings, setting.section)
        assert getattr(section, setting.name) == value


def test_an_int_in_a_float_setting_and_spaces_around_a_number_are_fine(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[printing]\nfee_per_page = 1\n[display]\nwidth = 1920\n", "utf-8")
    config = load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_DISPLAY_HEIGHT": " 1080 "})
    assert config.settings.printing.fee_per_page == 1.0 and isinstance(config.settings.printing.fee_per_page, float)
    assert (config.settings.display.width, config.settings.display.height) == (1920, 1080)


@pytest.mark.parametrize("setting", TEXTS, ids=lambda s: s.key)
@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}" if len(c) == 1 else "ESC[2J")
def test_text_with_control_or_invisible_characters_is_refused(tmp_path: Path, setting: Setting, char: str) -> None:
    value = f"A{char}B"
    with pytest.raises(ConfigError) as refused:
        load_config({"KIOSK_HOME": str(tmp_path), setting.env_var: value})
    line = str(refused.value)
    assert line.startswith(f"{setting.key} = {value!r} (environment {setting.env_var})") and "\n" not in line
    assert line.isprintable()  # the refusal itself shows the character escaped, never raw


@pytest.mark.parametrize("char", ["\x1b", "\u202e", "\u200b"])
def test_the_same_in_the_config_file_and_the_refusal_is_printable(tmp_path: Path, char: str) -> None:
    escaped = f"\\u{ord(char):04x}"
    (tmp_path / "kiosk.toml").write_text(f'[room]\nname = "一号机{escaped}"\n', "utf-8")
    with pytest.raises(ConfigError, match="^room.name = ") as refused:
        load_config({"KIOSK_HOME": str(tmp_path)})
    assert str(refused.value).isprintable()


@pytest.mark.parametrize(
    "key, value",
    [
        ("room.name", ""),
        ("room.name", "   "),
        ("room.name", "馆" * 41),
        ("printing.collect_at", ""),
        ("printing.collect_at", "\u3000"),
        ("printing.document", ""),
        ("printing.receipt", " "),
    ],
)
def test_a_name_the_screen_or_the_copy_shows_is_never_blank_nor_too_long(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"^{key} = "):
        load_config({"KIOSK_HOME": str(tmp_path), BY_KEY[key].env_var: value})


def test_a_name_with_spaces_inside_and_plain_chinese_is_fine(tmp_path: Path) -> None:
    config = load_config(
        {
            "KIOSK_HOME": str(tmp_path),
            "KIOSK_ROOM_NAME": "市档案馆 查阅终端 2",
            "KIOSK_PRINTING_COLLECT_AT": "一楼服务台",
        }
    )
    assert config.settings.room.name == "市档案馆 查阅终端 2" and config.settings.printing.collect_at == "一楼服务台"


@pytest.mark.parametrize("value", ["24:00", "2:60", "0230", "02:30:00", "２:３０", "nan", "", "-1:30", "02.30"])
def test_sync_time_must_be_a_time_of_day(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"^sync.time = .*: must be a time of day HH:MM"):
        load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_SYNC_TIME": value})


@pytest.mark.parametrize("value", ["00:00", "2:30", " 23:59 "])
def test_sync_time_takes_every_time_of_day(tmp_path: Path, value: str) -> None:
    assert load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_SYNC_TIME": value}).settings.sync.time == value


@pytest.mark.parametrize("value", ["perhaps", "", "2", "ja", "1.0"])
def test_a_switch_is_true_or_false(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"^display.fullscreen = .*: must be true or false$"):
        load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_DISPLAY_FULLSCREEN": value})


@pytest.mark.parametrize("literal", ["1", "'maybe'", "0", "1.0"])
def test_a_switch_in_the_file_is_a_toml_boolean(tmp_path: Path, literal: str) -> None:
    (tmp_path / "kiosk.toml").write_text(f"[sync]\nin_app = {literal}\n", "utf-8")
    with pytest.raises(ConfigError, match="^sync.in_app = "):
        load_config({"KIOSK_HOME": str(tmp_path)})


def test_text_in_the_file_must_be_a_toml_string(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[room]\nname = 2\n", "utf-8")
    with pytest.raises(ConfigError, match=r"^room.name = 2 \(file .*\): must be text"):
        load_config({"KIOSK_HOME": str(tmp_path)})


def test_several_refused_values_name_the_first_and_count_the_rest(tmp_path: Path) -> None:
    env = {
        "KIOSK_HOME": str(tmp_path),
        "KIOSK_DISPLAY_WIDTH": "0",
        "KIOSK_PRINTING_FEE_PER_PAGE": "nan",
        "KIOSK_SESSION_IDLE_TIMEOUT": "inf",
    }
    with pytest.raises(ConfigError) as refused:
        load_config(env)
    assert str(refused.value).startswith("session.idle_timeout = 'inf'")
    assert str(refused.value).endswith("; 2 more refused (`kiosk config` lists them)")


def test_not_strict_keeps_the_default_and_lists_every_refusal(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[display]\nwidth = -5\nwidht = 3\n", "utf-8")
    config = load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_PRINTING_HOLD_HOURS": "1e400"}, strict=False)
    assert config.settings.display.width == 1080 and config.origins["display.width"] == "default"
    assert config.settings.printing.hold_hours == 4.0
    shown = [str(p) for p in config.problems]
    assert any("unknown setting display.widht" in p for p in shown)
    assert "display.width = -5" in "\n".join(shown) and "printing.hold_hours = '1e400'" in "\n".join(shown)


def test_the_environment_cannot_rescue_a_refused_file_value(tmp_path: Path) -> None:
    """The file is wrong even when the environment overrides it today: it would start wrong tomorrow."""
    (tmp_path / "kiosk.toml").write_text("[printing]\nfee_per_page = nan\n", "utf-8")
    with pytest.raises(ConfigError, match=r"^printing.fee_per_page = nan \(file "):
        load_config({"KIOSK_HOME": str(tmp_path), "KIOSK_PRINTING_FEE_PER_PAGE": "0.5"})


def test_every_setting_declares_a_type_a_range_and_a_default_inside_it() -> None:
    for setting in SETTINGS:
        assert setting.type in (int, float, str, bool), setting.key
        assert setting.allowed.admits(setting.default), setting.key
        assert setting.range_text and setting.help.endswith("."), setting.key
        if setting.type in (int, float):
            assert math.isfinite(_bounds(setting).low) and math.isfinite(_bounds(setting).high)
    assert isinstance(BY_KEY["sync.time"].allowed, ClockTime)


def test_a_section_is_a_typed_value_object_and_a_misspelt_name_is_no_setting(tmp_path: Path) -> None:
    settings = load_config({"KIOSK_HOME": str(tmp_path)}).settings
    with pytest.raises(AttributeError):
        settings.printing.fee_pr_page  # type: ignore[attr-defined]  # noqa: B018
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):  # a setting changes only by the configuration
        settings.printing.fee_per_page = 3.0  # type: ignore[misc]


def test_the_code_reads_its_settings_from_the_typed_sections() -> None:
    """`config.settings.printing.fee_per_page`: a misspelt name fails mypy and the import, not a print. The one
    call by string left, `config.path(KEY, …)` (an empty path means one under KIOSK_HOME), names declared keys."""
    import re

    root = Path(__file__).parents[1]
    by_string = re.compile(r"""config\.(?:number|text|get)\(\s*["']""")
    path_call = re.compile(r"""config\.path\(\s*["']([^"']+)["']""")
    sources = [path for folder in ("kiosk", "benchmarks", "screens") for path in (root / folder).rglob("*.py")]
    assert [path.name for path in sources if by_string.search(path.read_text("utf-8"))] == []
    named = {key for path in sources for key in path_call.findall(path.read_text("utf-8"))}
    assert named and named <= set(BY_KEY)
