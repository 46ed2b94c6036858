"""``lgds forms check`` and ``lgds forms validate``, through the click group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lgds_components.cli.forms import DEMO_SCHEMA, demo_step, forms
from lgds_components.forms import Form
from tests.forms.forms_support import EXAMPLES

GARDEN = str(EXAMPLES / "garden_waste.schema.json")


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(forms, list(args), input=stdin, standalone_mode=False)
    if result.exception is not None:
        raise result.exception
    return result.return_value, result.stdout, result.stderr


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_check_lists_the_fields() -> None:
    code, out, _ = invoke("check", GARDEN)
    assert code == 0
    assert "12 fields on 4 pages, languages: en, cy" in out
    assert "  start_date [subscription]: date, date, required, #start-date" in out


def test_check_reports_every_problem(tmp_path: Path) -> None:
    schema = write(
        tmp_path,
        "bad.json",
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "x-lgds": {"lable": "A"}},
                "b": {"format": "uk-postcod"},
            },
        },
    )
    code, _, err = invoke("check", schema)
    assert code == 1
    assert "#/properties/a/x-lgds/lable: unknown x-lgds key 'lable'" in err
    assert "#/properties/b/format: unknown format 'uk-postcod'" in err


def test_validate_valid_post_prints_typed_data(tmp_path: Path) -> None:
    post = write(
        tmp_path,
        "post.json",
        {"account_name": "S Jones", "sort_code": "30 94 30", "account_number": "733445"},
    )
    code, out, _ = invoke("validate", GARDEN, post, "--page", "direct-debit")
    assert code == 0
    assert json.loads(out) == {
        "valid": True,
        "data": {"account_name": "S Jones", "sort_code": "309430", "account_number": "00733445"},
    }


def test_validate_invalid_post_prints_the_error_summary() -> None:
    code, out, _ = invoke(
        "validate",
        GARDEN,
        "-",
        "--page",
        "direct-debit",
        "--lang",
        "cy",
        stdin='{"sort_code": "12"}',
    )
    assert code == 1
    printed = json.loads(out)
    assert printed["valid"] is False
    assert printed["errorSummary"]["titleText"] == "Mae problem wedi codi"
    assert [e["field"] for e in printed["errors"]] == [
        "account_name",
        "sort_code",
        "account_number",
    ]


def test_validate_whole_form_in_page_order() -> None:
    code, out, _ = invoke("validate", GARDEN, "-", stdin="{}")
    assert code == 1
    pages = [e["page"] for e in json.loads(out)["errors"]]
    assert pages == sorted(
        pages, key=["about-you", "address", "subscription", "direct-debit"].index
    )


def test_validate_test_mode(tmp_path: Path) -> None:
    post = write(
        tmp_path, "post.json", {"phone": "07700 900 982", "full_name": "A", "email": "a@b.co"}
    )
    assert invoke("validate", GARDEN, post, "--page", "about-you")[0] == 1
    assert invoke("validate", GARDEN, post, "--page", "about-you", "--test-mode")[0] == 0


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ("{", (), "not JSON"),
        ("[1]", (), "must hold a JSON object"),
        ("{}", ("--page", "nope"), "no page 'nope'"),
    ],
)
def test_validate_usage_errors(stdin: str, args: tuple[str, ...], message: str) -> None:
    code, _, err = invoke("validate", GARDEN, "-", *args, stdin=stdin)
    assert code == 2 and message in err


def test_validate_with_a_broken_schema_is_a_usage_error(tmp_path: Path) -> None:
    schema = write(tmp_path, "bad.json", "{")
    code, _, err = invoke("validate", schema, "-", stdin="{}")
    assert code == 2 and "is not JSON" in err


def test_demo_step(capsys: pytest.CaptureFixture[str]) -> None:
    demo_step()
    out = capsys.readouterr().out
    assert "There is a problem" in out
    assert "#start-date-month" in out and "Start date must include a month" in out
    assert "Enter your full name" in out and '"bins": 2' in out


def test_demo_schema_loads() -> None:
    assert len(Form.from_schema(DEMO_SCHEMA).fields) == 7


def test_check_warns_where_messages_will_read_badly(tmp_path: Path) -> None:
    schema = {"type": "object", "x-lgds": {"languages": ["en", "cy"]}, "properties": {
        "bin": {"enum": ["rubbish", "recycling"], "x-lgds": {
            "label": "Which bin?", "cy": {"label": "Pa fin?"},
            "options": {"rubbish": {"cy": {"text": "Sbwriel"}}}}},
        "more": {"type": "string", "maxLength": 500, "x-lgds": {
            "input": "textarea", "label": "Tell us more (optional)", "noun": "more detail",
            "cy": {"label": "Dywedwch fwy", "noun": "fwy o fanylion", "subject": "Manylion"}}},
        "dob": {"type": "string", "format": "date", "x-lgds": {
            "label": "What is your date of birth?", "noun": "your date of birth",
            "cy": {"label": "Dyddiad geni"}}},
    }}
    path = write(tmp_path, "bins.json", schema)
    code, _, err = invoke("check", path)
    assert code == 0
    lines = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert lines == [
        'warning: #/properties/bin/x-lgds: the label "Which bin?" is a question, so messages '
        'would say "Select which bin"; give a "noun" (what "Enter"/"Select" asks for)',
        'warning: #/properties/bin/x-lgds/cy: the label "Pa fin?" is a question, so messages '
        'would say "Dewiswch pa fin"; give a "noun" (what "Enter"/"Select" asks for)',
        "warning: #/properties/bin/x-lgds/options: option 'recycling' has no Welsh text "
        '("cy": {"text": ...}); Welsh pages would show "recycling"',
        'warning: #/properties/more/x-lgds: the label "Tell us more (optional)" is an '
        'instruction, so messages would say "Tell us more must be 500 characters or less"; '
        'give a "subject" (what "must" messages are about)',
    ]
    assert f"{path}: 4 warnings" in err
    code, _, _ = invoke("check", path, "--strict")
    assert code == 1
    assert invoke("check", GARDEN, "--strict")[0] == 0
