"""What a field says: the label shown, the subject of its messages, the noun they ask for.

GOV.UK labels are often questions ("What is your date of birth?") or carry
"(optional)", while error messages need a subject ("Date of birth must be in
the past") and a noun ("Enter your date of birth"). A field's
:class:`Wording` keeps the three apart:

* ``label``: shown above the input, exactly as written in ``x-lgds.label``;
* ``subject``: what "must" messages are about: ``x-lgds.subject``, else the
  label without a trailing "?" or ":" and without "(optional)"; for a
  question label with a ``noun``, the noun without "your" (see
  :func:`subject_of`);
* ``noun``: what "Enter ..." and "Select ..." ask for: ``x-lgds.noun``, else
  the subject with its first letter in lower case.

>>> words = wording({"label": "What is your date of birth?", "noun": "your date of birth"},
...                 "dob")
>>> words.label, words.subject, words.noun
('What is your date of birth?', 'Date of birth', 'your date of birth')
>>> wording({"label": "Tell us more (optional)"}, "details").subject
'Tell us more'
>>> reads_badly("Which bin?"), reads_badly("Tell us more (optional)"), reads_badly("Postcode")
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from lgds_components.forms.fields import Field

__all__ = [
    "Wording",
    "humanise",
    "is_question",
    "lower_first",
    "reads_badly",
    "subject_of",
    "warnings",
    "wording",
]

# First words of a question, and of an instruction, in English and Welsh.
_QUESTION_WORDS = frozenset(
    "what which when where who whose why how do does did is are was were have has had can "
    "could will would should may must beth pa pryd ble pwy pam sut oes ydych ydy wyt "
    "allwch".split()
)
_INSTRUCTION_WORDS = frozenset(
    "tell enter select choose give describe list provide upload add explain say "
    "dywedwch rhowch dewiswch disgrifiwch".split()
)
_OPTIONAL = re.compile(r"\s*\((?:optional|dewisol)\)\s*$", re.IGNORECASE)
_END = re.compile(r"[\s?:？]+$")
_POSSESSIVE = re.compile(r"^(?:your|eich)\s+", re.IGNORECASE)


@attrs.frozen(slots=True)
class Wording:
    """What a field says in one language.

    Attributes:
        label: the label (or fieldset legend) shown, as written.
        subject: the subject of "must" messages, capitalised as at the start
            of a sentence in English; in Welsh lower-case, as every Welsh
            template puts it mid-sentence ("Mae’n rhaid i ...").
        noun: what "Enter ..." and "Select ..." messages ask for.
        hint: hint text, if any.
    """

    label: str
    subject: str
    noun: str
    hint: str | None = None


def humanise(key: str) -> str:
    """A property name made readable: ``start_date`` is "Start date".

    >>> humanise("start_date"), humanise("address-line-1")
    ('Start date', 'Address line 1')
    """
    words = re.sub(r"[_\-]+", " ", key).strip()
    return (words[:1].upper() + words[1:]) if words else key


def lower_first(text: str) -> str:
    """The text with its first letter in lower case, unless the first word is
    an acronym or a name ("UPRN", "McDonald").

    >>> lower_first("Start date"), lower_first("UPRN of the property")
    ('start date', 'UPRN of the property')
    """
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].lower() != first[1:]:
        return text
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_word(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text.casefold())
    return words[0] if words else ""


def is_question(label: str) -> bool:
    """Whether a label is a question ("Which bin?", "Do you have a garden bin").

    >>> is_question("Which bin was missed?"), is_question("Date of birth")
    (True, False)
    """
    stripped = _OPTIONAL.sub("", label).rstrip()
    return stripped.endswith(("?", "？")) or _first_word(stripped) in _QUESTION_WORDS


def reads_badly(label: str) -> bool:
    """Whether a label makes a poor message subject: a question or an instruction.

    "Which bin?" would give "Select which bin" and "Tell us more" would give
    "Tell us more must be 500 characters or less"; such a field needs a
    ``noun`` (and, if it has length or range rules, a ``subject``).
    """
    return is_question(label) or _first_word(label) in _INSTRUCTION_WORDS


def subject_of(label: str, noun: str | None = None) -> str:
    """The subject of a field's "must" messages, derived from its label.

    Drops "(optional)" and a trailing "?" or ":"; for a question label with a
    noun, the noun (without a leading "your") is the better subject.

    >>> subject_of("Address line 2 (optional)"), subject_of("Postcode:")
    ('Address line 2', 'Postcode')
    >>> subject_of("What is your full name?", "your full name")
    'Full name'
    """
    if noun and is_question(label):
        return _upper_first(_POSSESSIVE.sub("", noun.strip()))
    cleaned, previous = label.strip(), ""
    while cleaned != previous:  # "Phone (optional)?" and "Phone? (optional)" alike
        previous, cleaned = cleaned, _END.sub("", _OPTIONAL.sub("", cleaned))
    return cleaned or label.strip()


def wording(extension: Mapping[str, Any], name: str, *, title: str | None = None,
            welsh: bool = False) -> Wording:
    """The :class:`Wording` of a field from its ``x-lgds`` object (or its ``cy`` part).

    ``title`` is the schema's ``title``, the label when ``x-lgds`` gives none;
    the property ``name`` made readable is the last resort. ``welsh`` puts the
    subject in lower case (Welsh templates use it mid-sentence).
    """
    label = extension.get("label") or title or humanise(name)
    noun = extension.get("noun")
    subject = extension.get("subject") or subject_of(label, noun)
    if welsh:
        subject = lower_first(subject)
    return Wording(label=label, subject=subject, noun=noun or lower_first(subject),
                   hint=extension.get("hint"))


def _example(field: Field, code: str, lang: str) -> str:
    return field.message(code, lang)


def _subject_code(field: Field) -> str | None:
    """A code whose message starts with the field's subject, if the field can fail one."""
    if field.bound_params:
        return next(iter(field.bound_params))
    return {"date": "date.impossible", "number": "number.not_a_number",
            "money": "money.not_a_number"}.get(field.input)


def warnings(fields: Iterable[Field]) -> list[str]:
    """Where a form's messages will read badly, one sentence each (for ``lgds forms check``).

    A label that is a question or an instruction ("Which bin?", "Tell us more")
    makes a poor message subject and noun: without a ``noun``, messages say
    "Select which bin"; without a ``subject``, "Tell us more must be 500
    characters or less". Options of a bilingual form without Welsh text are
    named too.

    >>> from lgds_components.forms import Form
    >>> form = Form.from_schema({"type": "object", "properties": {
    ...     "bin": {"enum": ["a", "b"], "x-lgds": {"label": "Which bin?"}}}})
    >>> for warning in warnings(form.fields):
    ...     print(warning)
    #/properties/bin/x-lgds: the label "Which bin?" is a question, so messages would say
    "Select which bin"; give a "noun" (what "Enter"/"Select" asks for)
    """
    found = []
    for field in fields:
        where = f"#/properties/{field.name.replace('~', '~0').replace('/', '~1')}/x-lgds"
        extension = field.schema.get("x-lgds")
        given = extension if isinstance(extension, Mapping) else {}
        for lang, words in field.wording.items():
            part = given.get("cy", {}) if lang == "cy" else given
            place = f"{where}/cy" if lang == "cy" else where
            if not reads_badly(words.label) or "subject" in part:
                continue
            kind = "a question" if is_question(words.label) else "an instruction"
            if "noun" not in part:
                example = _example(field, field.missing_code, lang)
                found.append(f'{place}: the label "{words.label}" is {kind}, so messages '
                              f'would say "{example}"; give a "noun" (what "Enter"/"Select" '
                              "asks for)")
            code = _subject_code(field)
            if code is not None and not (is_question(words.label) and "noun" in part):
                example = _example(field, code, lang)
                found.append(f'{place}: the label "{words.label}" is {kind}, so messages '
                             f'would say "{example}"; give a "subject" (what "must" '
                             "messages are about)")
        if "cy" in field.wording:
            for option in field.choices:
                if option.welsh is None:
                    found.append(f"{where}/options: option {option.value!r} has no Welsh text "
                                 '("cy": {"text": ...}); Welsh pages would show '
                                 f'"{option.text}"')
    return found
