"""BreakLabel in the real offscreen window: the seed report wrapped by the rules of Chinese typesetting."""

from __future__ import annotations

from typing import Any

import pytest

from content_cache.demo import annual_report_2008
from content_cache.linebreak import CLOSING, OPENING
from tests.ui.conftest import FONT_PATH, LANDSCAPE, PORTRAIT, frame, screenshot, wait_until

# The document screen's body column and metadata value column, in pixels, per orientation.
BODY_WIDTHS = {"portrait": 1080 - 2 * 24 - 2 * 28, "landscape": int((1920 - 2 * 24 - 24) * 0.64) - 2 * 28}
META_WIDTHS = {"portrait": 1080 - 2 * 24 - 2 * 20 - 150 - 12, "landscape": int((1920 - 2 * 24 - 24) * 0.36) - 40 - 162}
SIZES = {"portrait": PORTRAIT, "landscape": LANDSCAPE}


@pytest.fixture
def page(window: Any) -> Any:
    """A white column in the window, removed afterwards."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.app import register_font

    register_font(FONT_PATH)
    box = BoxLayout(orientation="vertical", padding=24, spacing=8)
    with box.canvas.before:
        Color(1, 1, 1, 1)
        rect = Rectangle(pos=box.pos, size=box.size)
    box.bind(pos=lambda *_: setattr(rect, "pos", box.pos), size=lambda *_: setattr(rect, "size", box.size))
    window.add_widget(box)
    yield box
    window.remove_widget(box)
    window.size = PORTRAIT


def _label(text: str, width: float, font_size: float, **kwargs: Any) -> Any:
    from screens.theme import FONT_NAME
    from screens.wrap import BreakLabel

    label = BreakLabel(
        text=text,
        font_name=FONT_NAME,
        font_size=font_size,
        color=(0.1, 0.1, 0.1, 1),
        halign="left",
        size_hint=(None, None),
        width=width,
        line_height=1.35,
        **kwargs,
    )
    label.bind(texture_size=lambda lb, size: setattr(lb, "height", size[1]))
    return label


def _assert_by_the_rules(label: Any, text: str) -> None:
    lines = label.lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines[1:]:
        assert line[0] not in CLOSING, lines
    for line in lines[:-1]:
        assert line[-1] not in OPENING, lines
    # Kivy drew exactly these lines: it wrapped none of them again.
    assert [line.words[0].text if line.words else "" for line in label._label._cached_lines] == lines


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_seed_report_wraps_by_the_rules(page: Any, window: Any, orientation: str) -> None:
    from screens.formatting import chunk_text

    report = annual_report_2008()
    window.size = SIZES[orientation]
    chunks = chunk_text(report.body)
    labels = [_label(chunk, BODY_WIDTHS[orientation], 36) for chunk in chunks[: 6 if orientation == "portrait" else 3]]
    meta = [
        _label(value, META_WIDTHS[orientation], 28) for value in (report.title, report.index_no, "宿政〔2008〕12号")
    ]
    for label in meta + labels:
        page.add_widget(label)
    wait_until(lambda: all(label.lines and label.texture_size[1] > 0 for label in meta + labels))
    frame()
    for label, chunk in zip(labels, chunks[: len(labels)], strict=True):  # the first chunks, laid out
        _assert_by_the_rules(label, chunk)
    assert report.index_no in meta[1].lines  # the 索引号 is one line, whole
    assert "宿政〔2008〕12号" in meta[2].lines
    assert all(label.texture_size[0] <= label.width for label in meta + labels)
    screenshot(f"wrap-seed-report-{orientation}")


def test_every_paragraph_of_the_seed_report_keeps_the_rules_at_every_size(page: Any) -> None:
    from screens.formatting import chunk_text

    labels = [_label(chunk, BODY_WIDTHS["portrait"], 36) for chunk in chunk_text(annual_report_2008().body)]
    for label in labels:
        page.add_widget(label)
    for font_size in (28, 36, 44, 56):
        for label in labels:
            label.font_size = font_size
        wait_until(lambda: all(label._label.text == "\n".join(label.lines) for label in labels))
        frame()
        for label in labels:
            _assert_by_the_rules(label, label.text)


def test_an_index_number_at_the_end_of_a_line_moves_down_whole(page: Any) -> None:
    from screens.theme import FONT_NAME
    from screens.wrap import text_widths

    text = "本信息的索引号为003232741/2008-00001，文号为宿政〔2008〕12号。"
    measure = text_widths(FONT_NAME, 36)
    # The widest unit: a 文号 holds up to four characters of its issuer before "〔".
    narrowest = max(measure("003232741/2008-00001，"), measure("号为宿政〔2008〕12号。"))
    for width in range(int(narrowest) + 1, 1100, 23):
        label = _label(text, width, 36)
        page.add_widget(label)
        wait_until(lambda label=label: bool(label.lines))
        frame()
        joined = "\n".join(label.lines)
        assert "003232741/2008-00001" in joined and "宿政〔2008〕12号" in joined, label.lines
        _assert_by_the_rules(label, text)
        page.remove_widget(label)


def test_max_lines_ends_in_an_ellipsis(page: Any) -> None:
    label = _label(annual_report_2008().body.splitlines()[1], 600, 34, max_lines=2)
    page.add_widget(label)
    wait_until(lambda: bool(label.lines))
    frame()
    assert len(label.lines) == 2 and label.lines[1].endswith("…")
    assert len(label._label._cached_lines) == 2


def test_a_width_change_rewraps_once_and_the_layout_settles(page: Any) -> None:
    label = _label("政府信息公开工作年度报告" * 6, 500, 36)
    page.add_widget(label)
    wait_until(lambda: bool(label.lines))
    before = list(label.lines)
    label.width = 300
    frame()
    assert len(label.lines) > len(before)
    sizes = []
    for _ in range(3):
        frame()
        sizes.append((tuple(label.size), tuple(label.texture_size)))
    assert sizes[0] == sizes[1] == sizes[2]
    assert label.width == 300


def test_fit_lines_breaks_a_row_title_by_the_rules_and_keeps_the_highlight_on_its_words(page: Any) -> None:
    from screens.formatting import fit_lines, highlight

    title = "关于印发《宿州市2008年政府信息公开工作年度报告》的通知（索引号003232741/2008-00001）"
    fitted = fit_lines(title, 420, 34, 2)
    lines = fitted.split("\n")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(line[0] not in CLOSING for line in lines[1:])
    start = title.index("年度报告")
    marked = highlight(fitted, [(start, start + 4)])
    assert "[b][color=1c4d8c]年度报告[/color][/b]" in marked.replace("\n", "")
    assert fit_lines("短标题", 420, 34, 2) == "短标题"


def test_chunk_text_cuts_long_paragraphs_after_a_sentence_or_between_units() -> None:
    from screens.formatting import chunk_text

    sentence = "索引号为003232741/2008-00001，共计373.51万元。"
    chunks = chunk_text(sentence * 40)
    assert "".join(chunks) == sentence * 40
    assert all(chunk.endswith("。") and len(chunk) <= 300 for chunk in chunks)
    numbers = chunk_text("政" * 290 + "2008200820082008，" + "政" * 30)
    assert numbers[1].startswith("2008200820082008，") and numbers[0] == "政" * 290


def test_a_balanced_heading_has_even_lines_and_no_character_alone() -> None:
    from kivy.core.text import LabelBase

    from screens.wrap import break_lines, text_widths
    from tests.ui.conftest import FONT_PATH

    LabelBase.register(name="balanced-test", fn_regular=FONT_PATH)
    measure = text_widths("balanced-test", 40)
    width = measure("政府各部门信") + 1  # greedy: 政府各部门信 / 息
    assert break_lines("政府各部门信息", width, measure) == "政府各部门信\n息"
    balanced = break_lines("政府各部门信息", width, measure, balanced=True).split("\n")
    assert len(balanced) == 2 and abs(len(balanced[0]) - len(balanced[1])) <= 1


def test_a_size_change_lays_out_the_new_lines_once_even_when_the_texture_comes_first(page: Any) -> None:
    """The old lines at a larger size would not fit: Kivy must never get them, to wrap them one character at a time."""
    text = max(annual_report_2008().body.splitlines(), key=len)
    label = _label(text, 700, 30)
    page.add_widget(label)
    wait_until(lambda: bool(label.lines))
    frame()
    label.font_size = 42
    label.texture_update()  # the texture before the line break's trigger, as Kivy's Clock may order them
    lines = label.lines
    assert len(lines) > 1 and all(label._label.get_extents(line)[0] <= 700 for line in lines)
    assert [line.words[0].text if line.words else "" for line in label._label._cached_lines] == lines
    _assert_by_the_rules(label, text)


def test_the_measured_core_label_agrees_with_the_font(page: Any) -> None:
    """BreakLabel's core label measures a line from its characters: the same as the font measures it whole."""
    from kivy.core.text import Label as CoreLabel

    label = _label("x", 600, 30)
    page.add_widget(label)
    samples = [
        "关于进一步做好企业退休人员基本养老金工作的通知",
        "2008年度，本市共受理申请373件。",
        "《条例》“第九条”",
        "索引号 003232741/2008-00001",
        "gjy ÅÉ ①② ——",
        "",
    ]
    for size in (24, 30, 41.4, 57.96):
        label.font_size = size
        real = CoreLabel(font_name=label._label.options["font_name"], font_size=size)
        for sample in samples:
            measured, actual = label._label.get_extents(sample), real.get_extents(sample)
            # kerning is left out: Latin text may measure a little wider, never narrower, than it is drawn
            assert -2 <= measured[0] - actual[0] <= max(2, actual[0] * 0.02), (size, sample, measured, actual)
            assert measured[1] == actual[1], (size, sample, measured, actual)
