"""``lgds pay``, run through a root group that handles errors as ``lgds`` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from lgds_components.cli.app import LGDSGroup
from lgds_components.cli.payments import demo_step, pay
from lgds_components.testing.payment_servers import GovUkPayServer

ROOT = LGDSGroup(name="lgds")
ROOT.add_command(pay)


def run(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
        ) -> tuple[int, str]:
    result = CliRunner().invoke(ROOT, list(args), standalone_mode=False, env=env, input=stdin)
    if isinstance(result.exception, click.ClickException):
        return result.exception.exit_code, result.output + result.exception.format_message()
    if result.exception is not None:
        raise result.exception
    return (result.return_value or 0), result.output


@pytest.fixture
def state(tmp_path: Path) -> str:
    return str(tmp_path / "state" / "fakepay.json")


def create(state: str, *extra: str) -> dict[str, Any]:
    code, out = run("pay", "--state", state, "create", "--amount", "£45.00", "--reference",
                    "GW-1", "--description", "Garden waste", "--return-url",
                    "https://council.example/done", "--json", *extra)
    assert code == 0, out
    return json.loads(out)


def test_a_payment_from_creation_to_refund_across_invocations(state: str) -> None:
    created = create(state, "--idempotency-key", "GW-1-a1", "--metadata", "ledger_code=AB100")
    assert created["state"] == "created" and created["pence"] == 4500 and created["next_url"]
    again = create(state, "--idempotency-key", "GW-1-a1", "--metadata", "ledger_code=AB100")
    assert again["id"] == created["id"]
    code, out = run("pay", "--state", state, "create", "--amount", "45", "--reference", "GW-1",
                    "--description", "Garden waste", "--return-url",
                    "https://council.example/done", "--idempotency-key", "GW-1-a1")
    assert code == 3 and "P0191" in out  # the same key for a different request
    code, out = run("pay", "--state", state, "journey", created["id"], "pay")
    assert code == 0 and "success" in out
    code, out = run("pay", "--state", state, "status", created["id"])
    assert code == 0 and "success" in out and "£45.00" in out
    code, out = run("pay", "--state", state, "refund", created["id"], "--amount", "10",
                    "--expected-available", "45", "--json")
    assert code == 0 and json.loads(out)["amount"] == "£10.00"
    code, out = run("pay", "--state", state, "status", created["id"], "--json")
    assert json.loads(out)["refundable"] == "£35.00"


def test_a_stale_expected_available_is_refused_with_exit_3(state: str) -> None:
    payment = create(state)
    run("pay", "--state", state, "journey", payment["id"], "pay")
    run("pay", "--state", state, "refund", payment["id"], "--amount", "5")
    code, out = run("pay", "--state", state, "refund", payment["id"], "--amount", "5",
                    "--expected-available", "45")
    assert code == 3 and "P0604" in out


@pytest.mark.parametrize("args", [
    ["create", "--amount", "45.001", "--reference", "R", "--description", "D",
     "--return-url", "https://x.example/"],
    ["create", "--amount", "45", "--reference", "R", "--description", "D",
     "--return-url", "https://x.example/", "--metadata", "novalue"],
    ["refund", "abc", "--amount", "ten"],
])
def test_bad_input_exits_2(state: str, args: list[str]) -> None:
    code, out = run("pay", "--state", state, *args)
    assert code == 2 and "Traceback" not in out


def test_an_unknown_payment_exits_3(state: str) -> None:
    code, out = run("pay", "--state", state, "status", "nosuchpayment")
    assert code == 3 and "P0200" in out


def test_verify_webhook(state: str, tmp_path: Path) -> None:
    payment = create(state)
    code, out = run("pay", "--state", state, "journey", payment["id"], "pay", "--show-webhooks")
    lines = out.splitlines()
    signature, body = lines[-2].split(": ", 1)[1], lines[-1].encode()
    path = tmp_path / "body.json"
    path.write_bytes(body)
    code, out = run("pay", "--state", state, "verify-webhook", str(path), "-H",
                    f"Pay-Signature: {signature}", "--json")
    assert code == 0 and json.loads(out)["state"] == "success"
    code, out = run("pay", "--state", state, "verify-webhook", "-", "-H",
                    f"Pay-Signature: {signature}", stdin=body + b" ")
    assert code == 1 and "does not match" in out
    code, out = run("pay", "--state", state, "verify-webhook", str(path))
    assert code == 1 and "missing_signature" in out
    code, _ = run("pay", "--state", state, "verify-webhook", str(path), "-H", "nocolon")
    assert code == 2


def test_govuk_pay_takes_its_key_from_the_environment_only(state: str) -> None:
    code, out = run("pay", "--provider", "govuk-pay", "status", "abc", env={
        "GOVUK_PAY_API_KEY": ""})
    assert code == 3 and "GOVUK_PAY_API_KEY" in out
    with GovUkPayServer() as server:
        env = {"GOVUK_PAY_API_KEY": server.api_key, "GOVUK_PAY_BASE_URL": server.url,
               "GOVUK_PAY_WEBHOOK_SECRET": server.webhook_secret}
        code, out = run("pay", "--provider", "govuk-pay", "create", "--amount", "12.50",
                        "--reference", "R", "--description", "D", "--return-url",
                        "https://x.example/", "--json", env=env)
        assert code == 0, out
        payment_id = json.loads(out)["id"]
        assert server.api_key not in out
        server.pay(payment_id)
        code, out = run("pay", "--provider", "govuk-pay", "status", payment_id, env=env)
        assert code == 0 and "success" in out
        code, out = run("pay", "--provider", "govuk-pay", "journey", payment_id, "pay", env=env)
        assert code == 3


def test_a_corrupt_state_file_exits_2(state: str) -> None:
    Path(state).parent.mkdir(parents=True)
    Path(state).write_text("{not json", encoding="utf-8")
    code, out = run("pay", "--state", state, "status", "x")
    assert code == 2 and "state file" in out


def test_demo_step(capsys: pytest.CaptureFixture[str]) -> None:
    demo_step()
    out = capsys.readouterr().out
    assert "replayed: duplicate" in out and "refused" in out and "£30.00 still refundable" in out
    assert "started (late, ignored)" in out
