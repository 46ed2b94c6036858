"""Email domains follow GOV.UK Notify's rules, so every address accepted is one Notify sends to."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.errors import InvalidFormat
from lgds_components.identifiers import email

ALNUM = set(string.ascii_lowercase + string.digits)


def notify_accepts_domain(domain: str) -> bool:
    """Notify's domain rules, written out step by step (an oracle independent of the regexes)."""
    labels = domain.lower().split(".")
    if len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
        return False
    for label in labels[:-1]:
        if label[0] == "-" or label[-1] == "-" or "---" in label or set(label) - ALNUM - {"-"}:
            return False
    top = labels[-1]
    if top.startswith("xn--"):
        rest = top[4:]
        return bool(rest) and not set(rest) - ALNUM - {"-"} and all(rest.split("-"))
    return 2 <= len(top) <= 63 and top.isascii() and top.isalpha()


@pytest.mark.parametrize("address", [
    "a@b.c", "name@example.c0m", "name@example.1", "name@example.c-m", "name@example.x",
    "name@example.xn--", "name@example.xn--abc-", "name@example.xn--a--b",
    "name@example." + "a" * 64, "name@example.c_m",
])
def test_top_level_domains_notify_refuses_are_refused(address: str) -> None:
    with pytest.raises(InvalidFormat):
        email.validate(address)
    assert not email.is_valid(address)


@pytest.mark.parametrize("address", [
    "a@b.co", "name@example.museum", "name@example." + "a" * 63, "name@example.XN--P1AI",
    "name@example.xn--80ak6aa92e", "name@пример.рф", "info@example.vermögensberatung",
    "name@double--hyphen.example", "name@a1.b2.example.uk",
])
def test_top_level_domains_notify_sends_to_are_accepted(address: str) -> None:
    assert email.is_valid(address)


LABEL = st.text(alphabet="abz09-_", min_size=1, max_size=8)
TOP = st.one_of(LABEL, st.text(alphabet="abcz", min_size=1, max_size=70),
                st.builds("xn--{}".format, LABEL))


@given(st.lists(LABEL, min_size=1, max_size=3), TOP)
def test_an_accepted_domain_is_one_notify_accepts(labels: list[str], top: str) -> None:
    domain = ".".join([*labels, top])
    if email.is_valid(f"name@{domain}"):
        assert notify_accepts_domain(domain), domain


@pytest.mark.parametrize("domain", ["example.co.uk", "council.gov.uk", "a-b.example",
                                    "xn--r8jz45g.xn--zckzah"])
def test_the_oracle_agrees_on_plain_domains(domain: str) -> None:
    assert notify_accepts_domain(domain) and email.is_valid(f"name@{domain}")
