"""Order a replacement wheelie bin: a whole GOV.UK-style council service on lgds-components.

Postcode, choose the address (or type it in), see the bin days (and add them
to a calendar), say which bin and who you are, check your answers, pay £25
on FakePay's card page, confirmation. Run it from the repository root:

    npm ci --prefix examples/service              # GOV.UK Frontend (optional)
    lgds forms govuk-assets --node-modules examples/service/node_modules \\
        --to examples/service/static
    flask --app examples/service/app.py run

then open http://127.0.0.1:5000/. Without the assets it works unstyled.
Everything runs on the embedded defaults: the sample gazetteer (try SN7 1BA),
the sample schedule and FakePay with its card page at /fakepay. To take real
payments, swap ``FakePay`` for ``GovUkPay(api_key=...)`` and drop the page.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, render_template, request, session, url_for

from lgds_components.address import Gazetteer
from lgds_components.address.picker import AddressPicker, manual_address_form
from lgds_components.bins import Schedule, bin_days_table
from lgds_components.forms import Form
from lgds_components.forms.jinja import install
from lgds_components.payments import FakePay, InvalidSignature, Ledger, PaymentRequest
from lgds_components.payments.fake_page import FakePayPage

# --- glue: everything outside the routes, templates and schemas (counted in the tutorial) ---
HERE = Path(__file__).resolve().parent
app = Flask(__name__, static_folder=HERE / "static", static_url_path="/assets")
app.secret_key = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
install(app.jinja_env, templates=True)
GAZETTEER, SCHEDULE = Gazetteer.sample(), Schedule.sample()
POSTCODE = Form.from_file(HERE / "postcode.schema.json")
DETAILS = Form.from_file(HERE / "details.schema.json", test_mode=True)
PAY = FakePay(base_url="/fakepay")
LEDGER = Ledger(os.environ.get("LEDGER", ":memory:"), PAY)
PAGE = FakePayPage(PAY, webhook_url="/pay/webhook", stylesheets=["/assets/govuk-frontend.min.css"])
app.wsgi_app = PAGE.mount(app.wsgi_app)  # type: ignore[method-assign]
PRICE = "£25.00"
# --- end of glue ---


@app.get("/")
def start() -> str:
    return render_template("start.html", price=PRICE)


@app.route("/postcode", methods=["GET", "POST"])
def postcode() -> Any:
    result = POSTCODE.validate(request.form) if request.method == "POST" else None
    if result is not None and result.is_valid:
        session.clear()
        session["postcode"] = result.data["postcode"]
        return redirect(url_for("address"))
    return render_template("question.html", form=POSTCODE, result=result,
                           answers=session, title=POSTCODE.schema["title"], back=url_for("start"))


@app.route("/address", methods=["GET", "POST"])
def address() -> Any:
    if "postcode" not in session:
        return redirect(url_for("postcode"))
    picker = AddressPicker(GAZETTEER.by_postcode(session["postcode"]))
    result = picker.validate(request.form, not_listed=True) if request.method == "POST" else None
    if result is not None and result.is_valid:
        session.update(uprn=result.data["uprn"], picked=result.answers)
        if result.data["address"] is None:
            return redirect(url_for("manual_address"))
        session["address"] = result.data["address"].single_line()
        return redirect(url_for("bin_days"))
    radios = picker.radios(result, session.get("picked"), heading=True, not_listed=True)
    return render_template("address.html", radios=radios, result=result,
                           postcode=session["postcode"], back=url_for("postcode"))


@app.route("/address/manual", methods=["GET", "POST"])
def manual_address() -> Any:
    form = manual_address_form()
    result = form.validate(request.form) if request.method == "POST" else None
    if result is not None and result.is_valid:
        session["address"] = result.data["address_line_1"] + ", " + result.data["postcode"]
        return redirect(url_for("details"))
    return render_template("question.html", form=form, result=result,
                           answers={"postcode": session.get("postcode", "")},
                           title=form.schema["title"], back=url_for("address"))


@app.get("/bin-days")
def bin_days() -> Any:
    if not session.get("uprn"):
        return redirect(url_for("address"))
    home = GAZETTEER.by_uprn(session["uprn"])
    table = bin_days_table(SCHEDULE.next_days(home, count=6), today=SCHEDULE.today(),
                           caption="Your next bin days")
    return render_template("bin_days.html", table=table, address=session["address"],
                           rounds=SCHEDULE.describe(home), back=url_for("address"))


@app.get("/bin-days.ics")
def calendar() -> Any:
    if not session.get("uprn"):
        return redirect(url_for("address"))
    ical = SCHEDULE.to_ical(GAZETTEER.by_uprn(session["uprn"]))
    return Response(ical, mimetype="text/calendar",
                    headers={"Content-Disposition": "attachment; filename=bin-days.ics"})


@app.route("/details", methods=["GET", "POST"])
def details() -> Any:
    if "address" not in session:
        return redirect(url_for("postcode"))
    result = DETAILS.validate(request.form) if request.method == "POST" else None
    if result is not None and result.is_valid:
        session["answers"] = result.answers
        return redirect(url_for("check"))
    back = url_for("bin_days") if session.get("uprn") else url_for("manual_address")
    return render_template("question.html", form=DETAILS, result=result, back=back,
                           title=DETAILS.schema["title"], answers=session.get("answers"))


@app.get("/check")
def check() -> Any:
    if "answers" not in session:
        return redirect(url_for("details"))
    everything = DETAILS.validate_all(session["answers"])
    rows = DETAILS.summary_list(everything, change=url_for("details") + "#{id}")
    return render_template("check.html", rows=rows, address=session["address"],
                           price=PRICE, back=url_for("details"))


@app.post("/pay")
def pay() -> Any:
    if "answers" not in session:
        return redirect(url_for("details"))
    session.setdefault("reference", "BIN-" + secrets.token_hex(3).upper())
    attempt = LEDGER.begin_next(PaymentRequest(  # resumes, or tries again after a failure
        amount=PRICE, reference=session["reference"], description="Replacement wheelie bin",
        return_url=url_for("paid", _external=True),
        email=DETAILS.validate_all(session["answers"]).data["email"]))
    session["key"] = attempt.key
    return redirect(attempt.next_url or url_for("paid"))


@app.get("/pay/return")
def paid() -> Any:
    if "key" not in session:
        return redirect(url_for("start"))
    attempt = LEDGER.settle(session["key"])
    if attempt.state == "success":
        return redirect(url_for("confirmation"))
    if not attempt.finished:  # back from the card page without finishing
        return redirect(attempt.next_url or url_for("check"))
    return render_template("try_again.html", attempt=attempt, price=PRICE)


@app.post("/pay/webhook")
def webhook() -> Any:
    try:
        event = PAY.verify_webhook(request.get_data(), request.headers)
    except InvalidSignature:
        return "The signature is not valid", 400
    LEDGER.apply_webhook(event)
    return "", 204


@app.get("/confirmation")
def confirmation() -> Any:
    if "key" not in session or LEDGER.attempt(session["key"]).state != "success":
        return redirect(url_for("start"))
    everything = DETAILS.validate_all(session["answers"])
    return render_template("confirmation.html", reference=session["reference"],
                           address=session["address"], price=PRICE,
                           bin=DETAILS.display("bin", everything.data["bin"]),
                           email=everything.data["email"])
