"""Chinese line breaking: closing marks never start a line, opening marks never end one, codes stay whole."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from uniseg.linebreak import line_break_units

from content_cache.linebreak import CLOSING, OPENING, CharWidths, break_units, clip_lines, fill_lines


def columns(text: str) -> float:
    """Two columns for a wide character, one for ASCII, as on a receipt printer."""
    return float(sum(1 if ord(ch) < 0x80 else 2 for ch in text))


IDEOGRAPHS = "政府信息公开工作年度报告市县乡镇条例第号中华人民共和国"
INDEX_NOS = ["003232741/2008-00001", "91320000134567890X/2024-00012", "11340000MB0000000A/2019-00312"]
DOC_NOS = ["宿政〔2008〕12号", "国办发〔2019〕3号", "皖政办秘〔2008〕120号"]
DIGIT_RUNS = ["2008", "373.51", "1,234", "20", "12.5%"]
WHOLE = INDEX_NOS + DOC_NOS + DIGIT_RUNS

piece = st.one_of(
    st.sampled_from(IDEOGRAPHS),
    st.sampled_from(sorted(CLOSING)),
    st.sampled_from(sorted(OPENING)),
    # A number or code between Chinese text, as in a body; two codes run together are one code.
    st.tuples(st.sampled_from(IDEOGRAPHS + "，“ "), st.sampled_from(WHOLE), st.sampled_from(IDEOGRAPHS + "，。")).map(
        "".join
    ),
    st.sampled_from(["report ", "GB18030", " ", "——", "http://gov.cn/xxgk/"]),
)
paragraphs = st.lists(piece, min_size=1, max_size=60).map("".join)


def _marks_in_a_row(text: str) -> int:
    """The most marks that hold together, spaces between them too ("‘‘ ‘" is three)."""
    marks = re.escape("".join(CLOSING | OPENING))
    runs = re.findall(f"[{marks}](?:[ \u3000]*[{marks}])*", text)
    return max((len(re.sub("[ \u3000]", "", run)) for run in runs), default=0)


@settings(deadline=None)
@given(paragraphs, st.integers(min_value=1, max_value=60))
def test_joining_the_lines_gives_back_the_text(text: str, width: int) -> None:
    assert "".join(fill_lines(text, width, columns)) == text


@settings(deadline=None)
@given(paragraphs, st.integers(min_value=8, max_value=60))
@example("政政‘ 政", 8)  # an opening mark followed by a space, where UAX #14 allows a break
@example("政政‘\u3000政", 8)
@example(" report !", 8)
@example("政‘ ‘政", 8)
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(text: str, width: int) -> None:
    assume(_marks_in_a_row(text) <= 2)  # a longer run of marks than a line holds must break somewhere
    lines = fill_lines(text, width, columns)
    for line in lines[1:]:
        assert line[0] not in CLOSING, lines
    for line in lines[:-1]:
        assert not line.strip() or line.rstrip()[-1] not in OPENING, lines  # a paragraph may begin with spaces


@settings(deadline=None)
@given(paragraphs, st.integers(min_value=8, max_value=60))
def test_lines_are_no_wider_than_the_width(text: str, width: int) -> None:
    assume(_marks_in_a_row(text) <= 2)
    for line in fill_lines(text, width, columns):
        assert columns(line.rstrip()) <= width


@settings(max_examples=200, deadline=None)
@given(paragraphs, st.integers(min_value=8, max_value=60))
@example("report !‘政宿政〔2008〕12号政", 24)  # taken as 政宿政〔2008〕12号: it may break before its year
@example("report !‘“宿政〔2008〕12号政", 24)
def test_numbers_and_codes_stay_whole_when_they_fit(text: str, width: int) -> None:
    lines = fill_lines(text, width, columns)
    joined = "\n".join(lines)
    for whole in WHOLE:
        # With room for the marks that cling to it: up to two on each side (four columns each).
        if whole in text and columns(whole) + 8 <= width and _marks_in_a_row(text) <= 2:
            # only where it stands on its own: inside a longer code too wide for the line it may be broken, and
            # a 文号 after an ideograph is taken with it (which of them are the issuer's is not known)
            before = r"(?<![0-9A-Za-z/.\-\u3400-\u9fff])" if whole in DOC_NOS else r"(?<![0-9A-Za-z/.\-])"
            alone = re.compile(rf"{before}{re.escape(whole)}(?![0-9A-Za-z/.\-])")
            assert joined.count(whole) >= len(alone.findall(text)), (whole, lines)


def test_a_long_run_of_digits_is_cut_in_linear_time() -> None:
    # A hostile or broken body: the code patterns once backtracked over every split of the run (8 s for 1,000
    # digits, a minute for 2,000, on the reading screen's thread).
    lines = fill_lines("见" + "1" * 3000 + "号", 40, columns)
    assert "".join(lines) == "见" + "1" * 3000 + "号" and all(columns(line) <= 40 for line in lines)


@settings(deadline=None)
@given(st.text(alphabet="中文政府，。（）《》“”‘’、 abc12/-.〔〕号0\u3000!?()…—々ー", max_size=40))
def test_units_are_those_of_uax14_apart_from_the_tailored_codes(text: str) -> None:
    assume(not re.search(r"\d[0-9A-Za-z]*[/.\-][0-9A-Za-z]|\d[〕\])）]\d|〔\d", text))  # codes and 文号: tailored
    # After a space UAX #14 lets ".5", "…" or "’" start a line; 禁则 does not. Nor may an opening mark end one
    # when spaces follow it ("‘ 政"): 禁则 holds it to what comes after the spaces.
    assume(not re.search(f"\\s[{re.escape(''.join(CLOSING))}]", text))
    assume(not re.search(f"[{re.escape(''.join(OPENING))}]\\s", text))
    assert break_units(text) == list(line_break_units(text))


def test_an_index_number_with_a_credit_code_prefix_is_one_unit() -> None:
    # UAX #14 alone breaks after "X/": a letter before the slash ends the number.
    assert list(line_break_units("91320000134567890X/2024-00012")) == ["91320000134567890X/", "2024-00012"]
    assert break_units("索引号：91320000134567890X/2024-00012。") == [
        "索",
        "引",
        "号：",
        "91320000134567890X/2024-00012。",
    ]
    assert "003232741/2008-00001，" in break_units("号为003232741/2008-00001，共")


def test_a_doc_number_is_one_unit_and_a_path_still_breaks_after_its_slash() -> None:
    assert "宿政〔2008〕12号" in break_units("依据宿政〔2008〕12号文件")[0]
    assert break_units("http://www.gov.cn/xxgk/003232741/2008-00001.html")[-2:] == [
        "xxgk/",
        "003232741/2008-00001.html",
    ]


def test_a_unit_longer_than_a_line_breaks_at_its_weakest_joints() -> None:
    url = "http://www.gov.cn/xxgk/003232741/2008-00001.html"
    assert fill_lines(url, 22, columns) == ["http://www.gov.cn/", "xxgk/", "003232741/2008-00001.", "html"]
    assert fill_lines("20080101200801012008", 8, columns) == ["20080101", "20080101", "2008"]
    assert fill_lines("依据宿政办发〔2008〕12号", 16, columns) == ["依据宿政办发", "〔2008〕12号"]


def test_explicit_newlines_start_lines() -> None:
    assert fill_lines("一、总则\n\n二、附则", 40, columns) == ["一、总则", "", "二、附则"]
    assert fill_lines("", 40, columns) == [""]


def test_a_closing_mark_takes_the_character_before_it_to_the_next_line() -> None:
    assert fill_lines("政府信息公开。", 12, columns) == ["政府信息公", "开。"]
    assert fill_lines("按照《条例》", 6, columns) == ["按照", "《条", "例》"]


def test_spaces_at_a_line_end_do_not_count() -> None:
    assert fill_lines("open data now", 9, columns) == ["open data ", "now"]


def test_clip_lines_ends_with_an_ellipsis_and_never_after_an_opening_mark() -> None:
    text = "关于印发《宿州市政府信息公开指南》的通知和有关事项的说明"
    lines = clip_lines(text, 20, columns, 2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(columns(line) <= 20 for line in lines)
    assert clip_lines("短标题", 20, columns, 2) == ["短标题"]
    assert clip_lines("政府信息公开《条例》", 14, columns, 1) == ["政府信息公开…"]


def test_char_widths_measures_each_character_once() -> None:
    asked: list[str] = []

    def measure(text: str) -> float:
        asked.append(text)
        return columns(text)

    widths = CharWidths(measure)
    assert widths("政府信息2008") == 12
    assert widths("公开信息2008") == 12
    assert asked == ["中", "2", "0", "8"]


def test_the_first_line_of_each_paragraph_can_be_indented() -> None:
    assert fill_lines("政府信息公开工作\n年度报告", 8, columns, first_indent=4) == [
        "政府",
        "信息公开",
        "工作",
        "年度",
        "报告",
    ]
    assert fill_lines("一二三四", 8, columns, first_indent=4) == ["一二", "三四"]


def test_an_index_number_wider_than_the_line_breaks_after_its_slash() -> None:
    assert fill_lines("01404553-7/2026-90001", 16, columns) == ["01404553-7/", "2026-90001"]
    assert fill_lines("91320000134567890X/2024-00012", 20, columns) == ["91320000134567890X/", "2024-00012"]
    assert break_units("索引号01404553-7/2026-90001")[-1] == "01404553-7/2026-90001"
