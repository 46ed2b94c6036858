"""``lgds pay``: take, check and refund payments, and verify webhooks, from the command line.

The in-process fake (FakePay, GOV.UK Pay's behaviour) is the default, with its
payments kept in a small JSON file (``--state``) so that separate invocations
see the same payments::

    lgds pay create --amount "£45.00" --reference GW-1 --description "Garden waste" \\
        --return-url https://council.example/done --idempotency-key GW-1-attempt-1
    lgds pay journey PAYMENT_ID pay --show-webhooks
    lgds pay status PAYMENT_ID
    lgds pay refund PAYMENT_ID --amount 10
    lgds pay verify-webhook body.json -H "Pay-Signature: 3a1f..."
    lgds pay fake-server --port 8765 --webhook-url http://127.0.0.1:5000/pay/webhook

``--provider govuk-pay`` talks to GOV.UK Pay with the API key in the
``GOVUK_PAY_API_KEY`` environment variable (never an argument, which would
land in shell history and process lists) and the webhook signing secret in
``GOVUK_PAY_WEBHOOK_SECRET``; ``--provider stripe`` reads ``STRIPE_API_KEY``
and ``STRIPE_WEBHOOK_SECRET``. ``GOVUK_PAY_BASE_URL`` and ``STRIPE_BASE_URL``
point them at another server (a local test server, say).

Exit codes: 0 done; 1 a webhook failed verification; 2 bad input; 3 the
provider failed or refused (from the ``lgds`` root group).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from lgds_components.cli._output import cannot_write
from lgds_components.cli.app import EXIT_INVALID, EXIT_OK

__all__ = ["DEFAULT_STATE", "demo_step", "pay"]

DEFAULT_STATE = Path(".lgds") / "fakepay.json"
"""Where FakePay keeps its payments between invocations, unless ``--state`` says otherwise."""

_PROVIDERS = ("fake", "govuk-pay", "stripe")
_ENV = {
    "govuk-pay": ("GOVUK_PAY_API_KEY", "GOVUK_PAY_WEBHOOK_SECRET", "GOVUK_PAY_BASE_URL"),
    "stripe": ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_BASE_URL"),
}


class _Settings:
    def __init__(self, provider: str, state: Path) -> None:
        self.provider = provider
        self.state = state

    @contextlib.contextmanager
    def open(self, *, save: bool = True) -> Iterator[Any]:
        """The chosen provider; FakePay's state is saved afterwards, even after a refusal."""
        from lgds_components.errors import ConfigurationError

        if self.provider == "fake":
            from lgds_components.payments.fake import FakePay

            fake = FakePay.load(self.state)
            try:
                yield fake
            finally:
                if save:
                    try:
                        fake.save(self.state)
                    except OSError as exc:
                        raise cannot_write(self.state, exc) from exc
            return
        key_var, secret_var, url_var = _ENV[self.provider]
        key = os.environ.get(key_var, "").strip()
        if not key:
            raise ConfigurationError(f"set {key_var} to use --provider {self.provider}")
        kwargs: dict[str, Any] = {"webhook_secret": os.environ.get(secret_var) or None}
        if os.environ.get(url_var):
            kwargs["base_url"] = os.environ[url_var]
        provider_class: type[Any]
        if self.provider == "govuk-pay":
            from lgds_components.payments.govuk_pay import GovUkPay

            provider_class = GovUkPay
        else:
            from lgds_components.payments.stripe import Stripe

            provider_class = Stripe
        with provider_class(key, **kwargs) as provider:
            yield provider


def _show(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    for name, value in data.items():
        if value not in (None, "", {}, []):
            click.echo(f"{name:<17} {value}")


def _payment_data(payment: Any, *, with_next_url: bool = False) -> dict[str, Any]:
    from lgds_components.payments.money import format_pence

    data = {
        "id": payment.id,
        "provider": payment.provider,
        "state": payment.state.value,
        "finished": payment.finished,
        "amount": format_pence(payment.amount),
        "pence": payment.amount,
        "reference": payment.reference,
        "description": payment.description,
        "refundable": format_pence(payment.refund.amount_available),
        "refunded": format_pence(payment.refund.amount_submitted),
        "failure": (f"{payment.failure_code} {payment.failure_message or ''}".strip()
                    if payment.failure_code else None),
        "created": payment.created.isoformat() if payment.created else None,
    }
    if with_next_url:
        data["next_url"] = payment.next_url
    return data


@click.group(name="pay")
@click.option("--provider", type=click.Choice(_PROVIDERS), default="fake", show_default=True,
              envvar="LGDS_PAY_PROVIDER", help="Which payment provider to use.")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_STATE,
              show_default=True, envvar="LGDS_PAY_STATE",
              help="FakePay's state file (the fake provider only).")
@click.pass_context
def pay(ctx: click.Context, provider: str, state: Path) -> None:
    """Take payments through GOV.UK Pay, Stripe or the in-process fake (the default)."""
    ctx.obj = _Settings(provider, state)


@pay.command()
@click.option("--amount", required=True, help='In pounds, like "£45.00" or 45.')
@click.option("--reference", required=True, help="Your reference for the payment.")
@click.option("--description", required=True, help="What the payer is paying for.")
@click.option("--return-url", required=True, help="Where the payer returns to.")
@click.option("--email", help="The payer's email address, to prefill.")
@click.option("--language", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option("--metadata", "metadata", multiple=True, metavar="KEY=VALUE",
              help="Custom metadata (repeatable).")
@click.option("--delayed-capture", is_flag=True, help="Authorise now, capture later.")
@click.option("--idempotency-key", help="Send this key so that a repeat returns the same payment.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def create(settings: _Settings, amount: str, reference: str, description: str, return_url: str,
           email: str | None, language: str, metadata: tuple[str, ...], delayed_capture: bool,
           idempotency_key: str | None, as_json: bool) -> int:
    """Create a payment and print where to send the payer (next_url)."""
    from lgds_components.errors import InvalidFormat
    from lgds_components.payments.models import PaymentRequest

    extra: dict[str, str] = {}
    for item in metadata:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InvalidFormat("metadata must be KEY=VALUE", field="--metadata")
        extra[name] = value
    fields: dict[str, Any] = {
        "amount": amount, "reference": reference, "description": description,
        "return_url": return_url, "email": email, "language": language, "metadata": extra,
        "delayed_capture": delayed_capture,
    }
    request = PaymentRequest(**fields)
    with settings.open() as provider:
        payment = provider.create_payment(request, idempotency_key=idempotency_key)
    _show(_payment_data(payment, with_next_url=True), as_json)
    return EXIT_OK


@pay.command()
@click.argument("payment_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def status(settings: _Settings, payment_id: str, as_json: bool) -> int:
    """Show a payment's state and how much can be refunded."""
    with settings.open() as provider:
        payment = provider.get_payment(payment_id)
    _show(_payment_data(payment), as_json)
    return EXIT_OK


@pay.command()
@click.argument("payment_id")
@click.option("--amount", required=True, help='In pounds, like "£10.00" or 10.')
@click.option("--expected-available",
              help="Refuse unless this much is still refundable (protects a retried refund).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def refund(settings: _Settings, payment_id: str, amount: str, expected_available: str | None,
           as_json: bool) -> int:
    """Refund some or all of a successful payment."""
    from lgds_components.payments.money import format_pence, to_pence

    pence = to_pence(amount, field="--amount")
    expected = (to_pence(expected_available, field="--expected-available")
                if expected_available is not None else None)
    with settings.open() as provider:
        made = provider.refund(payment_id, pence, expected_available=expected)
    _show({"refund": made.id, "payment": made.payment_id, "amount": format_pence(made.amount),
           "status": made.status.value}, as_json)
    return EXIT_OK


@pay.command("verify-webhook")
@click.argument("body", type=click.File("rb"), default="-")
@click.option("--header", "-H", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="A request header, such as 'Pay-Signature: 3a1f...' (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@click.pass_obj
def verify_webhook(settings: _Settings, body: Any, headers: tuple[str, ...],
                   as_json: bool) -> int:
    """Verify a webhook's signature on its raw BODY (a file, or - for standard input).

    Exits 1 if the signature is missing or wrong.
    """
    from lgds_components.errors import InvalidFormat
    from lgds_components.payments.webhooks import InvalidSignature

    parsed: dict[str, str] = {}
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise InvalidFormat("headers must be 'NAME: VALUE'", field="--header")
        parsed[name.strip()] = value.strip()
    raw = body.read()
    with settings.open(save=False) as provider:
        try:
            event = provider.verify_webhook(raw, parsed)
        except InvalidSignature as exc:
            click.echo(f"not verified: {exc.message} ({exc.code})", err=True)
            return EXIT_INVALID
    data = {"verified": True, "id": event.id, "type": event.type,
            "payment_id": event.payment_id, "provider_reference": event.provider_reference,
            "state": event.state.value if event.state else None}
    _show(data, as_json)
    return EXIT_OK


@pay.command()
@click.argument("payment_id")
@click.argument("step", type=click.Choice(["start", "pay", "decline", "abandon", "expire"]))
@click.option("--show-webhooks", is_flag=True,
              help="Print each webhook sent: its Pay-Signature and body.")
@click.pass_obj
def journey(settings: _Settings, payment_id: str, step: str, show_webhooks: bool) -> int:
    """Play the payer's part on the fake: start, pay, decline, abandon or expire a payment."""
    from lgds_components.errors import ConfigurationError

    if settings.provider != "fake":
        raise ConfigurationError("journey works only with --provider fake")
    with settings.open() as fake:
        getattr(fake, step)(payment_id)
        payment = fake.get_payment(payment_id)
    click.echo(f"{payment.id} is now {payment.state.value}")
    if show_webhooks:
        for webhook in fake.webhooks:
            click.echo(f"Pay-Signature: {webhook.headers['Pay-Signature']}")
            click.echo(webhook.body.decode())
    return EXIT_OK


@pay.command("fake-server")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port on 127.0.0.1 (0 for any free one).")
@click.option("--webhook-url", metavar="URL",
              help="Post each webhook here, signed with the webhook secret.")
@click.option("--stylesheet", "stylesheets", multiple=True, metavar="URL",
              help="GOV.UK Frontend CSS for the card page to link (repeatable).")
@click.option("--seconds", type=click.FloatRange(min=0), default=None, hidden=True,
              help="Stop after this long (for tests).")
def fake_server(port: int, webhook_url: str | None, stylesheets: tuple[str, ...],
                seconds: float | None) -> int:
    """Serve GOV.UK Pay's API with FakePay's card page on 127.0.0.1 until interrupted.

    Point a service's GovUkPay at it (the lines printed are the environment
    variables `lgds pay --provider govuk-pay` and the GovUkPay adapter read);
    payers pay, are declined or cancel on the card page at each payment's
    next_url. Payments are kept in memory only.
    """
    import threading

    from lgds_components.testing.payment_servers import GovUkPayServer

    with GovUkPayServer(port=port, webhook_url=webhook_url, stylesheets=stylesheets) as server:
        click.echo(f"FakePay: GOV.UK Pay's API and card page on {server.url}")
        click.echo(f"GOVUK_PAY_BASE_URL={server.url}")
        click.echo(f"GOVUK_PAY_API_KEY={server.api_key}")
        click.echo(f"GOVUK_PAY_WEBHOOK_SECRET={server.webhook_secret}")
        click.echo(f"webhooks go to {webhook_url}" if webhook_url else "webhooks are not posted "
                   "(give --webhook-url)")
        click.echo("Press Ctrl-C to stop.", nl=True)
        try:
            threading.Event().wait(seconds)
        except KeyboardInterrupt:
            pass
    return EXIT_OK


def demo_step() -> None:
    """``lgds demo``: a payment on the fake from creation to refund, through the ledger."""
    import tempfile

    from lgds_components.payments.fake import FakePay
    from lgds_components.payments.ledger import Ledger
    from lgds_components.payments.models import PaymentRequest
    from lgds_components.payments.money import format_pence

    click.echo()
    click.secho("Payments (on FakePay, GOV.UK Pay's behaviour in process)", bold=True)
    click.echo("-" * 58)
    fake = FakePay(seed=2024)
    with tempfile.TemporaryDirectory() as folder, Ledger(Path(folder) / "ledger.sqlite",
                                                         fake) as ledger:
        fields: dict[str, Any] = {
            "amount": "£45.00", "reference": "GW-2024-0001",
            "description": "Garden waste collection, 12 months",
            "return_url": "https://council.example/garden-waste/paid",
        }
        request = PaymentRequest(**fields)
        attempt = ledger.begin(request, idempotency_key="GW-2024-0001-attempt-1")
        click.echo(f"  begin     {attempt.key}: {format_pence(attempt.amount)} "
                   f"-> payment {attempt.payment_id} ({attempt.state})")
        fake.pay(attempt.payment_id or "")
        click.echo("  payer     opens next_url and pays with a test card")
        applied = []
        for webhook in reversed(fake.webhooks):  # delivered out of order
            event = fake.verify_webhook(webhook.body, webhook.headers)
            applied.append(f"{event.type.removeprefix('card_payment_')} "
                           f"{ledger.apply_webhook(event).value}")
        replay = fake.webhooks[-1]
        again = ledger.apply_webhook(fake.verify_webhook(replay.body, replay.headers))
        click.echo(f"  webhooks  Pay-Signature verified, out of order: {', '.join(applied)}; "
                   f"replayed: {again.value}")
        forged = replay.body.replace(b'"success"', b'"failed"')
        try:
            fake.verify_webhook(forged, replay.headers)
        except ValueError as exc:
            click.echo(f"  tampered  refused: {exc}")
        refund = ledger.refund(attempt.key, "£15.00")
        click.echo(f"  refund    {format_pence(refund.amount)} ({refund.status}); "
                   f"{format_pence(attempt.amount - ledger.attempt(attempt.key).refunded)} "
                   "still refundable")
        history = ", ".join(f"{s.state}" + ("" if s.applied else " (late, ignored)")
                            for s in ledger.history(attempt.key))
        click.echo(f"  ledger    {ledger.attempt(attempt.key).state}; states seen: {history}")
