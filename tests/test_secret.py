"""Secret masking, redaction of text, and the redacting logging filter."""

from __future__ import annotations

import copy
import logging
import pickle
import re
import unicodedata
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.errors import ConfigurationError, MissingValue, ValidationError
from lgds_components.secret import MASK, RedactingFilter, Secret, as_secret, redact

# Values a Secret keeps as they are: no "*" (the mask is made of "*", so a secret
# containing "*" could be re-formed next to a mask: a documented limit), nothing
# stripped from the ends, and no control characters (refused).
secret_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1
).filter(lambda s: "*" not in s and s == s.strip().lstrip("\ufeff").strip())

CONTROL_MESSAGE = re.compile(
    r"a secret must not contain control characters \(it has U\+[0-9A-F]{4,6}\)"
)


class TestSecret:
    def test_never_shows_its_value(self) -> None:
        key = Secret("live-abc123")
        assert repr(key) == "Secret('********')"
        assert str(key) == MASK
        assert f"{key}" == MASK
        assert f"{key:>10}" == f"{MASK:>10}"
        assert "live-abc123" not in repr([key, {"k": key}])

    def test_reveal_gives_the_value(self) -> None:
        assert Secret("live-abc123").reveal() == "live-abc123"

    def test_equality_and_hash_follow_the_value(self) -> None:
        assert Secret("a1") == Secret("a1")
        assert Secret("a1") != Secret("a2")
        assert Secret("a1") != "a1"
        assert len({Secret("a1"), Secret("a1"), Secret("a2")}) == 2

    def test_refuses_empty(self) -> None:
        with pytest.raises(MissingValue) as caught:
            Secret("")
        assert isinstance(caught.value, ValidationError)
        assert isinstance(caught.value, ValueError)

    @pytest.mark.parametrize("raw", ["api_test_k3y\n", "  api_test_k3y\r\n", "\tapi_test_k3y ",
                                     "\ufeffapi_test_k3y\n"])
    def test_whitespace_around_the_value_is_removed(self, raw: str) -> None:
        """A key read from a file keeps its newline; the header it goes into must not."""
        assert Secret(raw).reveal() == "api_test_k3y"
        assert Secret(raw) == Secret("api_test_k3y")

    @pytest.mark.parametrize("raw", ["api_test_k3y\nsecond-line", "api\x00test", "api\x7ftest",
                                     "api\x85test", "api\ttest", "\x1b[31mapi_test"])
    def test_control_characters_are_refused_without_showing_the_value(self, raw: str) -> None:
        with pytest.raises(ConfigurationError) as caught:
            Secret(raw)
        assert CONTROL_MESSAGE.fullmatch(str(caught.value))
        assert "api" not in str(caught.value) and "test" not in repr(caught.value)

    @given(st.text())
    def test_any_text_is_kept_clean_or_refused_in_the_same_words(self, raw: str) -> None:
        try:
            value = Secret(raw).reveal()
        except MissingValue as exc:
            assert not raw.strip().lstrip("\ufeff").strip()
            assert str(exc) == "a secret must not be empty"
        except ConfigurationError as exc:
            assert CONTROL_MESSAGE.fullmatch(str(exc))
        else:
            assert value and value == value.strip()
            assert not any(unicodedata.category(c) == "Cc" for c in value)

    def test_as_secret_names_the_setting_not_the_value(self) -> None:
        assert as_secret(" k-1\n", name="api_key") == Secret("k-1")
        key = Secret("k-2")
        assert as_secret(key, name="api_key") is key
        for bad, message in [("", "api_key is missing"), (" \n", "api_key is missing"),
                             (b"k", "api_key must be a string or a Secret")]:
            with pytest.raises(ConfigurationError, match=message):
                as_secret(bad, name="api_key")  # type: ignore[arg-type]

    def test_refuses_non_strings(self) -> None:
        with pytest.raises(TypeError):
            Secret(b"bytes")  # type: ignore[arg-type]

    def test_is_immutable(self) -> None:
        key = Secret("a1")
        with pytest.raises(AttributeError):
            key._value = "changed"

    def test_copies_and_pickles(self) -> None:
        key = Secret("a1")
        assert copy.deepcopy(key) == key
        assert pickle.loads(pickle.dumps(key)) == key


class TestRedact:
    def test_plain_and_url_encoded_forms(self) -> None:
        value = "k/y z&1"
        text = (
            f"raw={value} path={quote(value)} query={quote(value, safe='')} "
            f"form={quote_plus(value)}"
        )
        assert redact(text, [Secret(value)]) == f"raw={MASK} path={MASK} query={MASK} form={MASK}"

    def test_accepts_strings_and_skips_empty(self) -> None:
        assert redact("a-b-c", ["b", ""]) == f"a-{MASK}-c"

    def test_longer_secret_hidden_whole(self) -> None:
        assert redact("token abcdef", ["abc", "abcdef"]) == f"token {MASK}"

    def test_no_secrets_no_change(self) -> None:
        assert redact("unchanged", []) == "unchanged"

    @given(prefix=st.text(), value=secret_values, suffix=st.text())
    def test_secret_never_survives(self, prefix: str, value: str, suffix: str) -> None:
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            result = redact(prefix + form + suffix, [Secret(value)])
            assert value not in result
            assert MASK in result

    @given(text=st.text(), values=st.lists(secret_values, max_size=3))
    def test_idempotent(self, text: str, values: list[str]) -> None:
        once = redact(text, values)
        assert redact(once, values) == once

    @given(text=st.text(alphabet="abc"), value=st.text(alphabet="xyz", min_size=1))
    def test_text_without_the_secret_is_unchanged(self, text: str, value: str) -> None:
        assert redact(text, [value]) == text


class TestRedactingFilter:
    def test_redacts_message_and_args(self, caplog: pytest.LogCaptureFixture) -> None:
        log = logging.getLogger("tests.secret.args")
        log.addFilter(RedactingFilter([Secret("k-123")]))
        try:
            with caplog.at_level(logging.DEBUG, logger=log.name):
                log.debug("GET /find?key=%s&q=%d", "k-123", 5)
                log.info("already formatted key=k-123")
        finally:
            log.filters.clear()
        assert "k-123" not in caplog.text
        assert caplog.messages == [f"GET /find?key={MASK}&q=5", f"already formatted key={MASK}"]

    def test_redacts_tracebacks(self, caplog: pytest.LogCaptureFixture) -> None:
        log = logging.getLogger("tests.secret.tb")
        log.addFilter(RedactingFilter(["k-123"]))
        try:
            with caplog.at_level(logging.ERROR, logger=log.name):
                try:
                    raise RuntimeError("failed with key k-123")
                except RuntimeError:
                    log.exception("request failed")
        finally:
            log.filters.clear()
        assert "RuntimeError" in caplog.text
        assert "k-123" not in caplog.text

    def test_keeps_bad_format_strings_for_the_handler(self) -> None:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d", ("not a number",), None)
        assert RedactingFilter(["k"]).filter(record) is True
        assert record.msg == "%d"

    def test_repr_hides_secrets(self) -> None:
        assert "k-123" not in repr(RedactingFilter(["k-123"]))
