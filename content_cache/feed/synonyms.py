"""The publisher's synonym list: its file in the feed (format 2), read strictly on both ends.

The file `synonyms/<sequence>.tsv.gz` is UTF-8 text, one group a line, its
terms separated by tabs, the formal term first. The publisher writes it from
`synonyms.tsv` in its input folder (which may also hold comment lines starting
with `#` and blank lines); a kiosk reads it back with the same checks, so a
list that a kiosk would refuse is refused at publish time already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from content_cache.feed.codec import Limits
from content_cache.feed.errors import FormatError, LimitExceeded
from content_cache.feed.format import SynonymsRef
from content_cache.feed.verify import gunzip, verify_file

MAX_TERM_CHARS = 20
MAX_GROUP_TERMS = 32
# Chinese characters (the basic block, extension A and the compatibility block), Latin letters and digits.
TERM = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class SynonymList:
    """A checked list: groups of two terms or more, no term twice in a group, no group twice."""

    groups: tuple[tuple[str, ...], ...]

    def to_bytes(self) -> bytes:
        """The canonical file text (before gzip): one group a line, tabs between terms."""
        return "".join("\t".join(group) + "\n" for group in self.groups).encode("utf-8")


def parse_synonyms(data: bytes, where: str, limits: Limits, *, comments: bool = False) -> SynonymList:
    """Check a list's text; FormatError or LimitExceeded names `where` and the line.

    `comments` allows what a hand-edited input file holds: `#` lines, blank
    lines, a byte order mark, `\r\n` line ends and spaces around terms. The
    feed's file holds groups only, exactly as the publisher writes them.
    """
    if len(data) > limits.max_synonyms_bytes:
        raise LimitExceeded(f"{where} is {len(data):,} bytes, over the synonym list limit of "
                            f"{limits.max_synonyms_bytes:,}")  # fmt: skip
    if b"\x00" in data:
        raise FormatError(f"{where} holds binary data (a NUL byte); a synonym list is UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{where} is not UTF-8 text (bad byte at offset {exc.start})") from None
    if comments:  # a file saved by hand: a byte order mark, Windows line ends, spaces around terms
        text = text.removeprefix("\ufeff")
    groups: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for number, line in enumerate(text.removesuffix("\n").split("\n") if text else [], 1):
        if comments:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            line = "\t".join(term.strip(" \r") for term in line.strip(" \r").split("\t"))
        group = _group(line, f"{where} line {number}")
        if group not in seen:  # the same group twice says nothing more
            seen.add(group)
            groups.append(group)
        if len(groups) > limits.max_synonym_groups:
            raise LimitExceeded(f"{where} holds more than {limits.max_synonym_groups:,} groups, over the limit")
    return SynonymList(tuple(groups))


def _group(line: str, where: str) -> tuple[str, ...]:
    """One line's terms, each checked, repeats left out; at least two terms must remain."""
    terms = line.split("\t")
    if len(terms) > MAX_GROUP_TERMS:
        raise LimitExceeded(f"{where}: a group of {len(terms):,} terms, over the limit of {MAX_GROUP_TERMS}")
    for position, term in enumerate(terms, 1):
        _check_term(term, f"{where} term {position}")
    group = tuple(dict.fromkeys(terms))
    if len(group) < 2:
        raise FormatError(f"{where}: a group needs two different terms or more (it has {group[0]!r} only)")
    return group


def _check_term(term: str, where: str) -> None:
    if not term:
        raise FormatError(f"{where} is empty (two tabs in a row, or a tab at the end of the line)")
    if len(term) > MAX_TERM_CHARS:
        raise LimitExceeded(f"{where} is {len(term):,} characters long; a term has at most {MAX_TERM_CHARS}")
    if not TERM.fullmatch(term):
        bad = next(ch for ch in term if not TERM.fullmatch(ch))
        raise FormatError(f"{where}, {term!r}, holds {bad!r} (U+{ord(bad):04X}); "
                          "a term holds only Chinese characters, letters and digits")  # fmt: skip


def read_synonyms(data: bytes, ref: SynonymsRef, limits: Limits) -> SynonymList:
    """The list in a feed's synonyms file: size and SHA-256 first, then unpacked within the limit and checked."""
    verify_file(data, ref, limits)
    bounded = replace(limits, max_batch_uncompressed_bytes=limits.max_synonyms_bytes)
    found = parse_synonyms(b"".join(gunzip(data, ref.path, bounded)), ref.path, limits)
    if len(found.groups) != ref.groups:
        raise FormatError(f"{ref.path} holds {len(found.groups)} groups, but the manifest says {ref.groups}")
    return found
