"""Free address text taken apart: postcode, numbers, flat, floor, words.

:func:`parse` reads text the way council records and residents write it:

- lines that are not the address are dropped: a care-of line (``C/O Mrs J
  Patel``), a PO Box (``PO Box 1234``);
- a description of something *near* an address is noted as a qualifier
  (``Land adjacent to 12 High Street``, ``Garage at``, ``Rear of``, ``Plot
  12``), so a matcher can refuse rather than answer the address itself;
- flats by floor (``1st Flr Flat``, ``FFF``, ``Basement``) give a floor;
  numbers in words (``Flat Two``) become numbers; ranges (``12-14``) are kept
  as pairs;
- a postcode glued to the town (``KelmouthEX4 1AA``) or misread (``DLI4``
  for ``DL14``) is found when the gazetteer knows it; words run together
  (``highstreet``) are split when the gazetteer knows both halves;
- a county at the end (``South Yorkshire``) is optional: it need not be
  explained.

>>> q = parse("C/O Mr J Smith, First Floor Flat, 12-14 High St., Kelmouth, Devon, EX4 1AA")
>>> q.postcode, q.numbers, q.floor, q.ranges, [w.text for w in q.words if not w.optional]
('ex41aa', ('12', '14'), 'first', (('12', '14'),), ['high', 'st', 'kelmouth'])
>>> parse("Land adjacent to 12 High Street").qualifier
'land'
>>> parse("flat two 10 mill lane").sao_numbers
('2',)
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

import attrs

from lgds_components.address.text import (
    ABBREVIATIONS,
    COUNTY_PHRASES,
    FLAT_WORDS,
    FLOOR_ORDER,
    NOISE_WORDS,
    NUMBER_WORDS,
    STREET_TYPES,
    canonical,
    fold,
    is_shortening,
    typed_tokens,
)

__all__ = ["Query", "Word", "parse"]

_FULL_POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][a-z0-9]?) ?([0-9][a-z]{2})\b")
_GLUED_POSTCODE = re.compile(r"(?=([a-z]{1,2}[0-9][a-z0-9]?) ?([0-9][a-z]{2})\b)")
_MISREAD_POSTCODE = re.compile(r"\b(?=([a-z0-9][a-z0-9]{1,3}) ?([0-9oisbz][a-z0-9]{2})\b)")
_OUTWARD = re.compile(r"[a-z]{1,2}[0-9][a-z0-9]?")
_SECTOR = re.compile(r"[0-9][a-z]?")
_AS_DIGIT = str.maketrans("oisbzl", "015821")
_AS_LETTER = str.maketrans("01582", "oisbz")

_SEPARATOR = re.compile(r"\s*(?:[,;|\n]|\s/\s)\s*")
_LINE_BREAK = "qqlineqq"  # a word no address has, marking where a line ended
_CARE_OF = re.compile(r"\b(?:c\s*/\s*o|c\\o|care\s+of)\b\.?\s*")
_PERSON = re.compile(r"(?:(?:mr\s*(?:&|and)\s*mrs|mrs|mr|ms|miss|dr|rev)\.?\s+)?"
                     r"(?:[a-z]\.?\s+){0,2}[a-z'-]+\s*")
_PO_BOX = re.compile(r"\bp\s*\.?\s*o\s*\.?\s*box\s*[0-9]*|\bpost\s+office\s+box\s*[0-9]*")
_CONNECTOR = (r"(?:adjacent\s+to|adjacent|adj\.?\s+to|adj\.?|adjoining|to\s+the\s+rear\s+of|"
              r"at\s+the\s+rear\s+of|at\s+rear\s+of|to\s+rear\s+of|rear\s+of|at|off|behind|"
              r"opposite|next\s+to|(?:north|south|east|west)\s+of|on|to)")
_NEAR = re.compile(
    r"^\W*(?:(land|site|garages?|store|yard|parking|workshop|barn)\s+" + _CONNECTOR + r"\b"
    r"|(rear)\s+of\b|(r)/o\b|to\s+the\s+(rear)\s+of\b|(plot)\s+(?:no\.?\s*)?[0-9]+[a-z]?\b)\W*"
)
_REWRITES = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
    "flr": "floor", "grd": "ground", "gnd": "ground", "bsmt": "basement",
    "gff": "ground floor flat", "fff": "first floor flat", "sff": "second floor flat",
    "tff": "top floor flat",
}
_REWRITE = re.compile(r"\b(?:" + "|".join(_REWRITES) + r"|g\s*/\s*f|lower\s+ground)\b")


def _rewrite(found: re.Match[str]) -> str:
    word = found.group(0)
    if word in _REWRITES:
        return _REWRITES[word]
    return "basement" if word.startswith("lower") else "ground floor"


_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_FLAT_IN_WORDS = re.compile(
    rf"\b(flat|flt|apartment|apt|unit|maisonette)\s+((?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}))?)\b"
)
_RANGE = re.compile(r"(?<![0-9a-z])([0-9]+[a-z]?)\s*(?:-|–|/|&|\band\b|\bto\b)\s*([0-9]+[a-z]?)"
                    r"(?![0-9a-z])")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LETTER_SLASH = re.compile(r"(?<![0-9a-z])([a-z])\s*/\s*([0-9]+[a-z]?)(?![0-9a-z])")
_FLOOR_CONTEXT = frozenset({"floor", "flat", "maisonette"})
_PLURALS = frozenset({"flats", "apartments"})
# long words people shorten, and the stored form each shortening stands for
_EXPANDABLE = (
    sorted((long, stored) for long, stored in ABBREVIATIONS.items()
           if len(long) >= 4 and long != stored and stored != "flat"),
    sorted((word, word) for word in STREET_TYPES if len(word) >= 3),
)


@attrs.frozen(slots=True)
class Word:
    """One word of a query, with the stored terms it may stand for.

    Attributes:
        text: the word as normalised from the query.
        terms: ``{term: weight}``: the word itself (1.0) and typo corrections (< 1).
        prefix: the word is being typed (last in a type-ahead query): any
            stored word starting with it matches.
        optional: a word that need not be explained (a county, a floor word).
        line: which line of the text (comma-separated part) the word was on.
        number: the digits of a number written in words (``"twelve"`` -> ``"12"``).
    """

    text: str
    terms: dict[str, float]
    prefix: bool = False
    optional: bool = False
    number: str = ""
    line: int = 0

    def weight(self, candidates: tuple[str, ...] | list[str]) -> tuple[float, str]:
        """Best weight of this word against ``candidates``, and the term matched."""
        best, found = 0.0, ""
        for candidate in candidates:
            weight = self.terms.get(candidate, 0.0)
            if weight == 0.0 and self.prefix and candidate.startswith(self.text):
                weight = 1.0
            if weight > best:
                best, found = weight, candidate
        return best, found


@attrs.frozen(slots=True)
class Query:
    """Free text taken apart (see :func:`parse`).

    Attributes:
        postcode: the full postcode typed, compact (``"ex41aa"``), or ``""``.
        outward: the outward code typed or implied (``"ex4"``), or ``""``.
        sector: a partial inward code typed after the outward code (``"1"``), or ``""``.
        numbers: number tokens in order (``"10"``, ``"2a"``).
        following: for each of ``numbers``, the word typed straight after it (``""``:
            none, or another number), which says whether it numbers a building
            (``2 Rose Court``) or a street (``10 High Street``).
        words: the words, without flat words and postcode parts.
        flat: a flat word (flat, apartment, unit) was typed.
        sao_numbers: numbers typed straight after a flat word.
        pao_numbers: numbers typed straight before a street or building word.
        uprn: the whole text was a long number, probably a UPRN.
        floor: the floor of a flat described by its floor (``"basement"``,
            ``"ground"``, ``"first"``, ... ``"top"``), or ``""``.
        ranges: pairs of numbers typed as a range (``12-14``, ``12/14``, ``12 & 14``).
        qualifier: the text describes something near an address, not the
            address: ``"land"``, ``"garage"``, ``"rear"``, ``"plot"``, ...; or ``""``.
        dropped: what was left out as not part of the address (``"care of"``,
            ``"po box"``), for the reason given.
    """

    postcode: str = ""
    outward: str = ""
    sector: str = ""
    numbers: tuple[str, ...] = ()
    following: tuple[str, ...] = ()
    words: tuple[Word, ...] = ()
    flat: bool = False
    sao_numbers: tuple[str, ...] = ()
    pao_numbers: tuple[str, ...] = ()
    uprn: int | None = None
    floor: str = ""
    ranges: tuple[tuple[str, str], ...] = ()
    qualifier: str = ""
    dropped: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing usable was typed."""
        return not (self.postcode or self.outward or self.numbers or self.words or self.uprn)


@functools.lru_cache(maxsize=65536)
def _postcode_is_valid(outward: str, inward: str) -> bool:
    # (remembered: a batch names the same postcodes again and again)
    from lgds_components.identifiers import postcode

    return postcode.is_valid(f"{outward} {inward}")


def _number_from_words(text: str) -> int | None:
    total = 0
    for word in re.split(r"[\s-]+", text.strip()):
        value = NUMBER_WORDS.get(word)
        if value is None:
            return None
        total += value
    return total


def _strip_lines(text: str) -> tuple[str, list[str]]:
    """Care-of and PO Box lines removed; what was removed."""
    dropped = []
    found = _CARE_OF.search(text)
    while found is not None:
        rest = text[found.end():]
        cut = _SEPARATOR.search(rest)
        if cut is not None:
            rest = rest[cut.end():]
        else:
            person = _PERSON.match(rest)
            rest = rest[person.end():] if person else rest
        text = f"{text[:found.start()]}, {rest}"
        dropped.append("care of")
        found = _CARE_OF.search(text)
    if _PO_BOX.search(text):
        text = _PO_BOX.sub(", ", text)
        dropped.append("po box")
    return text, dropped


def _strip_qualifier(text: str) -> tuple[str, str]:
    """A leading "land adjacent to", "garage at", "rear of", "plot 12" removed; the
    qualifier's head word ("" when none)."""
    qualifier = ""
    text = _SEPARATOR.sub(", ", text).strip(" ,")
    for _ in range(3):
        found = _NEAR.match(text)
        if found is None:
            break
        head = next(group for group in found.groups() if group)
        qualifier = qualifier or {"r": "rear", "garages": "garage"}.get(head, head)
        text = text[found.end():]
    return text, qualifier


def _prepare(text: str) -> tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Lower-cased text with lines that are not the address removed, floors and
    flat numbers in words rewritten; the qualifier, what was dropped and the ranges."""
    text = text.casefold()
    text, dropped = _strip_lines(text)
    text, qualifier = _strip_qualifier(text)
    text = _REWRITE.sub(_rewrite, text)

    def digits(found: re.Match[str]) -> str:
        value = _number_from_words(found.group(2))
        return found.group(0) if value is None else f"{found.group(1)} {value}"

    text = _FLAT_IN_WORDS.sub(digits, text)
    text = _LETTER_SLASH.sub(r"flat \1 \2", text)
    ranges = []
    for found in _RANGE.finditer(text):
        low, high = found.group(1), found.group(2)
        if int(high.rstrip(_LETTERS)) > int(low.rstrip(_LETTERS)):
            ranges.append((low, high))
    text = _SEPARATOR.sub(f" {_LINE_BREAK} ", text)
    return text, qualifier, tuple(dropped), tuple(ranges)


def _find_postcode(folded: str, known: Callable[[str], bool] | None,
                   prefix: bool) -> tuple[int, int, str] | None:
    """(start, end, compact postcode) of the last valid postcode standing alone in
    ``folded``; else, with ``known`` (what the gazetteer holds), of one glued to a
    word or misread (O for 0, I for 1) that the gazetteer holds."""
    found = None
    for candidate in _FULL_POSTCODE.finditer(folded):
        if _postcode_is_valid(candidate.group(1), candidate.group(2)):
            found = (candidate.start(), candidate.end(), candidate.group(1) + candidate.group(2))
    if found is not None or known is None or prefix:
        return found
    for candidate in _GLUED_POSTCODE.finditer(folded):
        outward, inward = candidate.group(1), candidate.group(2)
        if _postcode_is_valid(outward, inward) and known(outward + inward):
            return candidate.start(1), candidate.end(2), outward + inward
    for candidate in _MISREAD_POSTCODE.finditer(folded):
        if not any(char.isdigit() for char in candidate.group(1) + candidate.group(2)):
            continue
        for fixed in _readings(candidate.group(1), candidate.group(2)):
            if known(fixed):
                return candidate.start(1), candidate.end(2), fixed
    return None


def _readings(outward: str, inward: str) -> list[str]:
    """Valid postcodes ``outward inward`` may be with letters and digits confused
    (``inward`` empty: valid outward codes)."""
    typed = outward + inward
    if inward:
        inward = inward[0].translate(_AS_DIGIT) + inward[1:].translate(_AS_LETTER)
    choices = [(outward[0], outward[0].translate(_AS_LETTER)),
               *((char, char.translate(_AS_DIGIT), char.translate(_AS_LETTER))
                 for char in outward[1:])]
    readings = set()
    for chars in itertools.product(*choices):
        fixed = "".join(chars)
        if fixed + inward != typed and _postcode_is_valid(fixed, inward or "1aa"):
            readings.add(fixed + inward)
    return sorted(readings)


def _locate(folded: str, known: Callable[[str], bool] | None,
            prefix: bool) -> tuple[list[str], str, str, str]:
    """The words left when the postcode is taken out, and the postcode, outward
    code and sector found (a full postcode; else an outward code, perhaps with a
    sector digit, or misread; a postcode-shaped code that is not valid gives its
    outward code and sector)."""
    found = _find_postcode(folded, known, prefix)
    if found is not None:
        begin, end, postcode = found
        return f"{folded[:begin]} {folded[end:]}".split(), postcode, postcode[:-3], ""
    shaped = list(_FULL_POSTCODE.finditer(folded))
    if shaped:  # letters no postcode has (an O or V in the inward code): keep what is usable
        last = shaped[-1]
        outward = last.group(1) if _postcode_is_valid(last.group(1), "1aa") else ""
        rest = f"{folded[:last.start()]} {folded[last.end():]}".split()
        return rest, "", outward, last.group(2)[0] if outward else ""
    raw = folded.split()
    while raw and raw[-1] == _LINE_BREAK:
        raw.pop()
    for index, word in enumerate(raw):
        if _OUTWARD.fullmatch(word) and _postcode_is_valid(word, "1aa"):
            rest = raw[index + 1:]
            if len(rest) == 1 and _SECTOR.fullmatch(rest[0]):
                return raw[:index], "", word, rest[0]
            return raw[:index] + rest, "", word, ""
    if known is not None and not prefix:
        for index, word in enumerate(raw):
            if 2 <= len(word) <= 4 and not word.isalpha() and not word.isdigit():
                readings = [fixed for fixed in _readings(word, "") if known(fixed)]
                if len(readings) == 1:
                    return raw[:index] + raw[index + 1:], "", readings[0], ""
    return raw, "", "", ""


def _split_word(word: str, known: Callable[[str], bool]) -> list[str] | None:
    """``word`` as two or three stored words run together (``highstreet``), else None."""
    best: list[str] | None = None
    for index in range(len(word) - 2, 1, -1):
        left, right = canonical(word[:index]), word[index:]
        if not known(left):
            continue
        if known(canonical(right)):
            parts = [left, canonical(right)]
        elif len(right) >= 5:
            rest = _split_word(right, known)
            if rest is None or len(rest) > 2:
                continue
            parts = [left, *rest]
        else:
            continue
        if best is None or min(map(len, parts)) > min(map(len, best)):
            best = parts
    return best


def _county_tail(toks: list[str]) -> set[int]:
    """Indexes of a county phrase at the end of ``toks`` (country words after it allowed)."""
    end = len(toks)
    while end and toks[end - 1] in NOISE_WORDS:
        end -= 1
    for size in (4, 3, 2, 1):
        if end - size >= 1 and tuple(toks[end - size:end]) in COUNTY_PHRASES:
            return set(range(end - size, end))
    return set()


def parse(
    text: str,
    *,
    prefix: bool = False,
    corrections: Callable[[str, bool], dict[str, float]] | None = None,
    known: Callable[[str], bool] | None = None,
) -> Query:
    """Take free address text apart into a :class:`Query`.

    Args:
        text: what was typed.
        prefix: treat the last word as still being typed (type-ahead).
        corrections: ``corrections(word, prefix)`` gives the stored terms the
            word may stand for, ``{term: weight}``; by default only the word
            itself. A provider with a vocabulary passes typo corrections here.
        known: ``known(term)`` says whether the gazetteer holds a term: with
            it, glued or misread postcodes are found and run-together words split.

    >>> q = parse("Flat 2, 10 High St, EX4 1AA")
    >>> q.postcode, q.numbers, [w.text for w in q.words], q.flat, q.sao_numbers
    ('ex41aa', ('2', '10'), ['high', 'st'], True, ('2',))
    >>> parse("10 high st ex4 1").sector
    '1'
    """
    plain = fold(text)
    stripped = plain.replace(" ", "")
    if stripped.isdigit() and len(stripped) >= 6 and len(plain) == len(stripped):
        return Query(uprn=int(stripped))
    prepared, qualifier, dropped, ranges = _prepare(text)
    raw, postcode, outward, sector = _locate(fold(prepared), known, prefix)
    return _read_tokens(
        typed_tokens(" ".join(raw)), text, prefix, corrections, known,
        Query(postcode=postcode, outward=outward, sector=sector, qualifier=qualifier,
              dropped=dropped, ranges=ranges),
    )


def _short_form(token: str, known: Callable[[str], bool] | None) -> str:
    """The stored form of a street or building word ``token`` abbreviates in a way
    not listed (``cls`` for close, ``mws`` for mews, ``hse`` for house): the one
    listed long form it shortens, else the one street-type word."""
    if not 2 <= len(token) <= 4 or not token.isalpha():
        return ""
    for table in _EXPANDABLE:
        found = {stored for long, stored in table
                 if token[0] == long[0] and len(token) < len(long) and is_shortening(token, long)}
        if len(found) == 1:
            stored = found.pop()
            return stored if known is None or known(stored) else ""
        if found:
            return ""
    return ""


def _letter_of(number: str, token: str, known: Callable[[str], bool] | None) -> bool:
    """Whether ``token``, typed straight after ``number``, starts with its flat
    letter (``45 cprimrose``: the gazetteer holds ``primrose``)."""
    return (known is not None and number.isdigit() and len(token) >= 4
            and (known(token[1:]) or _split_word(token[1:], known) is not None))


def _unknown(token: str, known: Callable[[str], bool] | None) -> dict[str, float] | list[str]:
    """What a word the gazetteer does not hold may be: the one street word it
    shortens (terms), the stored words it runs together (a list), or nothing."""
    short = _short_form(token, known)
    if short:
        return {short: 0.9}
    if known is not None and len(token) >= 6 and token.isalpha():
        return _split_word(token, known) or {}
    return {}


def _read_tokens(
    pairs: list[tuple[str, str]], text: str, prefix: bool,
    corrections: Callable[[str, bool], dict[str, float]] | None,
    known: Callable[[str], bool] | None, start: Query,
) -> Query:
    """The numbers, flat, floor and words of ``pairs`` (typed and stored forms of
    each token) added to ``start``."""
    lines = []
    line = 0
    for typed, _ in pairs:
        line += typed == _LINE_BREAK
        lines.append(line)
    kept = [index for index, (typed, _) in enumerate(pairs) if typed != _LINE_BREAK]
    pairs = [pairs[index] for index in kept]
    lines = [lines[index] for index in kept]
    toks = [stored for _, stored in pairs]
    numbers: list[str] = []
    following: list[str] = []
    sao: list[str] = []
    pao: list[str] = []
    words: list[Word] = []
    flat = False
    floor = ""
    county = _county_tail(toks)
    last = len(toks) - 1
    for index, (typed, token) in enumerate(pairs):
        before = toks[index - 1] if index else ""
        after = toks[index + 1] if index < last else ""
        flat_before = before in FLAT_WORDS and pairs[index - 1][0] not in _PLURALS
        if token in FLAT_WORDS:
            flat = flat or typed not in _PLURALS
            continue
        if token[0].isdigit():
            numbers.append(token)
            following.append(after if after and not after[0].isdigit() else "")
            if flat_before and not (floor and floor in toks[max(0, index - 4):index]):
                sao.append(token)
            elif after and not after[0].isdigit() and after not in FLAT_WORDS:
                pao.append(token)
            continue
        is_floor = token in FLOOR_ORDER and (
            token == "basement" or after in _FLOOR_CONTEXT or before in FLAT_WORDS)
        if is_floor and not floor:
            floor = token
        optional = is_floor or (token == "floor" and bool(floor)) or index in county
        is_prefix = prefix and index == last and text[-1:].isalnum()
        terms = corrections(token, is_prefix) if corrections else {token: 1.0}
        number = NUMBER_WORDS.get(token)
        if number and words and words[-1].number and int(words[-1].number) % 10 == 0 \
                and 20 <= int(words[-1].number) < 100 and number < 10:  # twenty six
            words[-1] = attrs.evolve(words[-1], number=str(int(words[-1].number) + number))
            words.append(Word(token, terms, optional=True, line=lines[index]))
            continue
        if token not in terms and not is_prefix and numbers and before == numbers[-1] \
                and not any(term[0] == token[0] for term in terms) \
                and _letter_of(before, token, known):  # (wter: water, not W ter)
            suffixed = before + token[0]  # 45cprimrose: 45C Primrose
            for held in (numbers, pao, sao):
                held[-1:] = [suffixed] if held[-1:] == [before] else held[-1:]
            token = following[-1] = token[1:]
            terms = corrections(token, False) if corrections else {token: 1.0}
        if not terms and not is_prefix:
            read = _unknown(token, known)
            if isinstance(read, list):
                words.extend(Word(part, {part: 1.0}, optional=optional, line=lines[index])
                             for part in read)
                continue
            terms = read
        words.append(Word(token, terms, is_prefix, optional,
                          str(number) if number and not is_floor else "", lines[index]))
    return attrs.evolve(
        start, numbers=tuple(numbers), following=tuple(following), words=tuple(words),
        flat=flat or bool(floor), sao_numbers=tuple(sao), pao_numbers=tuple(pao), floor=floor,
    )
