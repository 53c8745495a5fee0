#!/usr/bin/python3
"""End-to-end scenario of a billing portal and an ops tool against a running silo, with Debian's python3-grpcio.

Usage: billing_portal_client.py HOST:PORT ACCOUNT_ID OPS_TOKEN HOLDER_TOKEN VIEWER_TOKEN

OPS_TOKEN has the "ops" role; HOLDER_TOKEN is subject "holder-1" with "primary-holder:ACCOUNT_ID"; VIEWER_TOKEN is
subject "viewer-1" with "billing-viewer:ACCOUNT_ID". The account must not exist yet. Every subscriptions.v1 message is
built from the server's reflection answers (no generated code). Prints one line per check; exit code 0 = every check
passed, 1 = a check failed (a "FAILED: ..." line says which), 2 = bad usage, 3 = a python module is missing.
"""
import calendar
import sys
import traceback
from datetime import datetime, timezone
from decimal import Decimal

# grpc_wire exits 3 naming the python module that is missing, so it is imported before grpc.
from grpc_wire import Api, check, descriptor_files, listed_services, rich_details, rich_error_classes, run_checks
import grpc

DAY = 86400
START = calendar.timegm((2026, 3, 1, 0, 0, 0))
TRIAL_DAYS = 14
HOLDER = "holder-1"
VIEWER = "viewer-1"
SUBSCRIPTION_SERVICES = [f"subscriptions.v1.{name}" for name in
                         ("AccountService", "SubscriptionService", "InvoiceService", "QuoteService", "OpsService",
                          "TestClockService")]
STANDARD_SERVICES = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                     "grpc.reflection.v1alpha.ServerReflection"]
Code = grpc.StatusCode


def iso(seconds):
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_id(name):
    return f"e2e-{name}"


def scenario(channel, account_id, ops, holder, viewer):
    # 1. Reflection lists every subscriptions.v1 service, health and reflection, and describes the API.
    services = listed_services(channel)
    print(f"reflection services: {','.join(services)}")
    missing = [s for s in SUBSCRIPTION_SERVICES + STANDARD_SERVICES if s not in services]
    check(not missing, f"reflection does not list {missing}")
    api = Api(channel, descriptor_files(channel, SUBSCRIPTION_SERVICES), "subscriptions.v1")
    errors = rich_error_classes()
    status = lambda number: api.enum_name("subscriptions.v1.SubscriptionStatus", number)

    # 2. Ops: a test clock and a sandbox self-service USD account following it (CLOCK-1), held by holder-1.
    clock_id = f"clock-{account_id}"
    clock = api.call("TestClockService", "CreateTestClock", ops,
                     request_id=request_id("create-clock"), clock_id=clock_id, start_time={"seconds": START})
    check(clock.clock_id == clock_id and clock.now.seconds == START, f"CreateTestClock answered {clock}")
    print(f"CLOCK-1 test clock: {clock.clock_id} at {iso(clock.now.seconds)}")
    account = api.call("AccountService", "CreateAccount", ops,
                       request_id=request_id("create-account"), account_id=account_id, company_name="Acme Widgets",
                       primary_contact={"name": "Ada Lovelace", "email": "ada@acme.example", "phone": "+12175550100"},
                       billing_address={"line1": "1 Main St", "city": "Springfield", "region": "IL",
                                        "postal_code": "62701", "country": "US"},
                       currency="USD", kind="ACCOUNT_KIND_SELF_SERVICE", primary_holder_subject_id=HOLDER,
                       sandbox=True, test_clock_id=clock_id)
    holders = [m.subject_id for m in account.members
               if api.enum_name("subscriptions.v1.MemberRole", m.role) == "MEMBER_ROLE_PRIMARY_HOLDER"]
    check(account.sandbox and account.test_clock_id == clock_id, f"the account does not follow {clock_id}: {account}")
    check(account.currency == "USD" and holders == [HOLDER], f"CreateAccount answered {account}")
    check(account.created_at.seconds == START, f"created_at {iso(account.created_at.seconds)} is not the test clock's {iso(START)}")
    kind = api.enum_name("subscriptions.v1.AccountKind", account.kind)
    print(f"CLOCK-1 sandbox account: {account.account_id} {kind} {account.currency} clock={account.test_clock_id} "
          f"primary holder={holders[0]} created {iso(account.created_at.seconds)}")

    # 3. Primary holder: a billing viewer, a Visa card, and a Pro trial that converts to paid.
    api.call("AccountService", "AddMember", holder, request_id=request_id("add-viewer"), account_id=account_id,
             subject_id=VIEWER, email="viewer@acme.example", role="MEMBER_ROLE_BILLING_VIEWER")
    account = api.call("AccountService", "AddCard", holder, request_id=request_id("add-card"), account_id=account_id,
                       payment_method_id="card-1", brand="CARD_BRAND_VISA", gateway_token="tok_visa_e2e_4242",
                       last4="4242", expiry_month=12, expiry_year=2030)
    check(len(account.payment_methods) == 1, f"AddCard answered {len(account.payment_methods)} payment methods")
    method = account.payment_methods[0]
    card = method.card
    brand = api.enum_name("subscriptions.v1.CardBrand", card.brand)
    check(method.WhichOneof("details") == "card" and brand == "CARD_BRAND_VISA" and card.last4 == "4242",
          f"AddCard answered {method}")
    check(method.is_default and account.default_payment_method_id == "card-1", "the first card is not the default")
    print(f"ACC-3 card: {method.payment_method_id} {brand} ****{card.last4} {card.expiry_month:02d}/{card.expiry_year} default")
    trial_request_id = request_id("start-trial")
    trial = api.call("SubscriptionService", "StartTrial", holder, request_id=trial_request_id, account_id=account_id,
                     subscription_id="pro-1", product_id="pro", plan_id="personal", seats=1,
                     frequency="BILLING_FREQUENCY_MONTHLY").subscription
    trial_end = START + TRIAL_DAYS * DAY
    check(status(trial.status) == "SUBSCRIPTION_STATUS_TRIAL", f"StartTrial answered {status(trial.status)}")
    check(trial.trial_end.seconds == trial_end, f"trial_end {iso(trial.trial_end.seconds)}, expected {iso(trial_end)}")
    check(not trial.invoice_numbers, f"a trial was invoiced: {list(trial.invoice_numbers)}")
    print(f"SUB-1 trial: {trial.subscription_id} {trial.product_id}/{trial.plan_id} {status(trial.status)} "
          f"until {iso(trial.trial_end.seconds)}")

    # 4. Ops: the clock passes the trial end; the trial becomes active with one invoice (INV-1), which autopay charged
    #    to the default card at once (INV-6: autopay is on for a self-service account).
    target = trial_end + DAY
    advanced = api.call("TestClockService", "AdvanceTestClock", ops, request_id=request_id("advance"),
                        clock_id=clock_id, target_time={"seconds": target})
    check(advanced.clock.now.seconds == target and advanced.previous_time.seconds == START, f"AdvanceTestClock answered {advanced}")
    check(advanced.ticks_delivered >= 1, "no reminder tick was delivered past the trial end")
    print(f"CLOCK-1 advanced: {iso(advanced.previous_time.seconds)} -> {iso(advanced.clock.now.seconds)}")
    paid = api.call("SubscriptionService", "GetSubscription", holder, account_id=account_id, subscription_id="pro-1")
    check(status(paid.status) == "SUBSCRIPTION_STATUS_ACTIVE", f"after the trial end pro-1 is {status(paid.status)}")
    check(paid.current_period_start.seconds == trial_end, f"the first period starts {iso(paid.current_period_start.seconds)}, not at the trial end")
    check(len(paid.invoice_numbers) == 1, f"pro-1 has invoices {list(paid.invoice_numbers)}")
    print(f"SUB-1 trial ended: {paid.subscription_id} {status(paid.status)} from {iso(paid.current_period_start.seconds)}")
    invoices = api.call("InvoiceService", "ListInvoices", holder, account_id=account_id, page_size=100).invoices
    check(len(invoices) == 1, f"the account has {len(invoices)} invoices, expected 1")
    invoice = invoices[0]
    invoice_status = api.enum_name("subscriptions.v1.InvoiceStatus", invoice.status)
    check(invoice.number == paid.invoice_numbers[0], f"invoice {invoice.number} is not pro-1's {paid.invoice_numbers[0]}")
    check(invoice_status == "INVOICE_STATUS_PAID" and invoice.balance.amount == "0.00", f"invoice {invoice.number} is {invoice_status}, balance {invoice.balance.amount}")
    check(invoice.due_at.seconds - invoice.issued_at.seconds == 15 * DAY and invoice.due_at.nanos == invoice.issued_at.nanos,
          f"invoice {invoice.number} issued {iso(invoice.issued_at.seconds)} is due {iso(invoice.due_at.seconds)}")
    check(Decimal(invoice.total.amount) > 0 and invoice.total.currency_code == "USD", f"invoice total {invoice.total}")
    print(f"INV-1 invoice: {invoice.number} {invoice_status} issued {iso(invoice.issued_at.seconds)} "
          f"due {iso(invoice.due_at.seconds)} (+15 days) total {invoice.total.amount} {invoice.total.currency_code}")

    # 5. Primary holder: one purchase sent twice under one request id is answered once (IDEM-1).
    purchase = api.request("SubscriptionService", "CreateSubscription", request_id=request_id("buy-meeting"),
                           account_id=account_id, subscription_id="meeting-1", product_id="meeting",
                           plan_id="professional", seats=3, frequency="BILLING_FREQUENCY_MONTHLY")
    first = api.send("SubscriptionService", "CreateSubscription", purchase, holder)
    retried = api.send("SubscriptionService", "CreateSubscription", purchase, holder)
    check(first.issued_invoice_number, "the purchase issued no invoice")
    check(first == retried, f"the retry answered differently:\n{first}\n---\n{retried}")
    subscriptions = api.call("SubscriptionService", "ListSubscriptions", holder, account_id=account_id).subscriptions
    numbers = sorted(i.number for i in api.call("InvoiceService", "ListInvoices", holder, account_id=account_id, page_size=100).invoices)
    check([s.subscription_id for s in subscriptions] == ["pro-1", "meeting-1"], f"subscriptions after the retry: {[s.subscription_id for s in subscriptions]}")
    check(numbers == sorted([invoice.number, first.issued_invoice_number]), f"invoices after the retry: {numbers}")
    print(f"IDEM-1 retried purchase: same answer, subscriptions={len(subscriptions)} invoices={len(numbers)}")

    # 5b. The billing viewer pays the purchase's invoice in two parts before autopay's turn (INV-3, ACC-2); the account's
    #     balance follows (ACC-6).
    number = first.issued_invoice_number
    part = api.call("InvoiceService", "PayInvoice", viewer, request_id=request_id("pay-part"), account_id=account_id,
                    invoice_number=number, amount="10.00")
    check(api.enum_name("subscriptions.v1.PaymentAttemptStatus", part.attempt.status) == "PAYMENT_ATTEMPT_STATUS_SUCCEEDED",
          f"the partial payment is {part.attempt}")
    owed = api.call("AccountService", "GetAccount", holder, account_id=account_id)
    check(Decimal(owed.balance.amount) == Decimal(part.invoice.balance.amount) and owed.overdue_balance.amount == "0.00",
          f"account balance {owed.balance.amount} overdue {owed.overdue_balance.amount} after paying 10.00 of {part.invoice.total.amount}")
    rest = api.call("InvoiceService", "PayInvoice", viewer, request_id=request_id("pay-rest"), account_id=account_id, invoice_number=number)
    check(api.enum_name("subscriptions.v1.InvoiceStatus", rest.invoice.status) == "INVOICE_STATUS_PAID" and rest.invoice.balance.amount == "0.00",
          f"after paying the rest invoice {number} is {rest.invoice}")
    attempts = api.call("InvoiceService", "ListPaymentAttempts", holder, account_id=account_id, invoice_number=number).attempts
    check([a.amount.amount for a in attempts] == ["10.00", rest.attempt.amount.amount], f"attempts {[a.amount.amount for a in attempts]}")
    print(f"INV-3 paid {number} in two parts: {', '.join(a.amount.amount for a in attempts)} {rest.invoice.currency}; "
          f"account balance {api.call('AccountService', 'GetAccount', holder, account_id=account_id).balance.amount}")

    # 5c. Ops send two quotes (2 more seats on meeting-1, a new Webinar Lite subscription); the primary holder accepts
    #     both as a cart with the checkout details (QUO-5): one service order, one invoice, one charge, the
    #     administrator a member with a licence per product.
    quotes = []
    for name, line in (("quote-seats", {"kind": "QUOTE_LINE_KIND_ADD_SEATS", "subscription_id": "meeting-1", "product_id": "meeting",
                                        "plan_id": "professional", "seats": 2, "frequency": "BILLING_FREQUENCY_MONTHLY"}),
                       ("quote-webinar", {"kind": "QUOTE_LINE_KIND_NEW_SUBSCRIPTION", "product_id": "webinar", "plan_id": "lite",
                                          "seats": 1, "frequency": "BILLING_FREQUENCY_MONTHLY"})):
        draft = api.call("QuoteService", "CreateQuote", ops, request_id=request_id(name), account_id=account_id, lines=[line])
        sent = api.call("QuoteService", "SendQuote", ops, request_id=request_id(f"{name}-send"), account_id=account_id,
                        quote_number=draft.number)
        check(api.enum_name("subscriptions.v1.QuoteStatus", sent.status) == "QUOTE_STATUS_SENT"
              and sent.expires_at.seconds - sent.sent_at.seconds == 7 * DAY, f"SendQuote answered {sent}")
        quotes.append(sent.number)
    order = api.call("QuoteService", "AcceptQuotes", holder, request_id=request_id("accept-cart"), account_id=account_id,
                     quote_numbers=quotes, checkout={"administrator": {"subject_id": "admin-1", "email": "it@acme.example"},
                                                     "payment_method_id": "card-1"})
    order_status = api.enum_name("subscriptions.v1.OrderStatus", order.status)
    check(order_status == "ORDER_STATUS_FULFILLED" and order.charge.status == "succeeded", f"AcceptQuotes answered {order}")
    cart_invoice = api.call("InvoiceService", "GetInvoice", holder, account_id=account_id, invoice_number=order.invoice_number)
    check(api.enum_name("subscriptions.v1.InvoiceStatus", cart_invoice.status) == "INVOICE_STATUS_PAID"
          and cart_invoice.total.amount == order.charge.amount, f"the order's invoice is {cart_invoice}")
    accepted = [api.enum_name("subscriptions.v1.QuoteStatus",
                              api.call("QuoteService", "GetQuote", viewer, account_id=account_id, quote_number=n).status) for n in quotes]
    check(accepted == ["QUOTE_STATUS_ACCEPTED"] * 2, f"the quotes are {accepted}")
    seats = api.call("SubscriptionService", "GetSubscription", holder, account_id=account_id, subscription_id="meeting-1").seats
    created = api.call("SubscriptionService", "GetSubscription", holder, account_id=account_id,
                       subscription_id=order.lines[1].subscription_id)
    check(seats == 5 and "admin-1" in created.assigned_users, f"meeting-1 has {seats} seats; {created.subscription_id} licences {list(created.assigned_users)}")
    print(f"QUO-5 cart: {order.number} {order_status} quotes={','.join(quotes)} invoice {order.invoice_number} "
          f"lines={len(cart_invoice.lines)} charged {order.charge.amount} {order.charge.status}; meeting-1 seats={seats}; "
          f"new {created.subscription_id} {status(created.status)}")

    # 6. Refusals, with their status and details as they arrive on the wire.
    error = api.refused(Code.UNAUTHENTICATED, "AccountService", "GetAccount", None, account_id=account_id)
    print(f"refusal without a token: {error.code().name} {error.details()}")
    seen = api.call("AccountService", "GetAccount", viewer, account_id=account_id)
    check(len(seen.payment_methods) == 1, "the billing viewer cannot read the account")
    error = api.refused(Code.PERMISSION_DENIED, "AccountService", "AddCard", viewer, request_id=request_id("viewer-card"),
                        account_id=account_id, payment_method_id="card-2", brand="CARD_BRAND_MASTERCARD",
                        gateway_token="tok_mc_e2e_5555", last4="5555", expiry_month=6, expiry_year=2031)
    info = rich_details(error, errors).get("google.rpc.ErrorInfo")
    check(info is not None, "PERMISSION_DENIED carries no ErrorInfo")
    after = api.call("AccountService", "GetAccount", ops, account_id=account_id)
    check(len(after.payment_methods) == 1, "the refused card was saved")
    print(f"refusal billing viewer adds a card: {error.code().name} reason={info.reason} "
          f"account_id={info.metadata['account_id']} payment methods={len(after.payment_methods)}")
    error = api.refused(Code.INVALID_ARGUMENT, "AccountService", "AddInvoiceRecipient", holder,
                        request_id=request_id("bad-email"), account_id=account_id, email="accounts-at-acme.example")
    bad = rich_details(error, errors).get("google.rpc.BadRequest")
    check(bad is not None, f"INVALID_ARGUMENT carries no BadRequest: {error.details()}")
    fields = [v.field for v in bad.field_violations]
    check(fields == ["email"], f"the BadRequest names {fields}, expected ['email']")
    print(f"refusal malformed email: {error.code().name} fields={','.join(fields)}")
    error = api.refused(Code.FAILED_PRECONDITION, "SubscriptionService", "CancelSubscription", holder,
                        request_id=request_id("cancel-pro"), account_id=account_id, subscription_id="pro-1")
    details = rich_details(error, errors)
    check("google.rpc.ErrorInfo" in details and "google.rpc.PreconditionFailure" in details,
          f"FAILED_PRECONDITION details are {sorted(details)}")
    reason = details["google.rpc.ErrorInfo"].reason
    violation = details["google.rpc.PreconditionFailure"].violations[0].type
    check(reason == "SUB-6" and violation == "SUB-6", f"the refusal names {reason}/{violation}, expected SUB-6: {error.details()}")
    still = api.call("SubscriptionService", "GetSubscription", holder, account_id=account_id, subscription_id="pro-1")
    check(status(still.status) == "SUBSCRIPTION_STATUS_ACTIVE", f"after the refused cancellation pro-1 is {status(still.status)}")
    print(f"refusal holder cancels support-only pro-1: {error.code().name} reason={reason} violation={violation} "
          f"still {status(still.status)}")

    # 7. Ops: the subscription's history shows the trial start (a call) and the trial end (a reminder) (OPS-1).
    inspection = api.call("OpsService", "InspectGrain", ops, grain_type="subscription", grain_key=f"{account_id}/pro-1")
    check(inspection.clock_id == clock_id, f"the subscription follows clock {inspection.clock_id!r}")
    history = [(h.change, h.cause.kind, h.cause.name, h.cause.caller, h.cause.request_id) for h in inspection.history]
    changes = [h[0] for h in history]
    check("trial-started" in changes and "trial-ended-to-paid" in changes, f"history is {changes}")
    started = history[changes.index("trial-started")]
    ended = history[changes.index("trial-ended-to-paid")]
    check(changes.index("trial-started") < changes.index("trial-ended-to-paid"), f"history is out of order: {changes}")
    check(started[1] == "call" and started[3] == HOLDER and started[4] == trial_request_id, f"trial start cause: {started}")
    check(ended[1] == "reminder", f"trial end cause: {ended}")
    print(f"OPS-1 history: {started[0]} ({started[1]} {started[2]} by {started[3]}) -> {ended[0]} ({ended[1]} {ended[2]})")


def main(target, account_id, ops, holder, viewer):
    with grpc.insecure_channel(target) as channel:
        try:
            scenario(channel, account_id, ops, holder, viewer)
        except grpc.RpcError as error:
            line = traceback.extract_tb(error.__traceback__)[1].lineno
            print(f"FAILED: unexpected {error.code().name} at line {line} of the scenario: {error.details()}")
            sys.exit(1)


if __name__ == "__main__":
    run_checks(main, __doc__, 5)
