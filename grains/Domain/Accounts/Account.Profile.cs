using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Company profile, addresses and test clock (ACC-1, ACC-5, CLOCK-1).</summary>
public sealed partial record Account
{
    /// <summary>Changes company name, primary contact and time zone; one audit entry per field that changed.</summary>
    private AccountDecision Decide(Actor actor, UpdateCompanyProfile command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ChangeBillingInfo);
        var violations = new ViolationList();
        violations.Check("company_name", TextRules.Required(command.CompanyName));
        var contact = ContactRules.Validate(command.PrimaryContact, "primary_contact", violations);
        violations.Check("time_zone", TimeZoneRules.Problem(command.TimeZoneId));
        violations.ThrowIfAny();

        var next = this with
        {
            CompanyName = command.CompanyName.Trim(),
            PrimaryContact = contact!,
            TimeZoneId = TimeZoneRules.Normalize(command.TimeZoneId),
        };
        var audit = new List<AuditEntry>();
        AuditIfChanged(audit, actor, now, "company_name", CompanyName, next.CompanyName);
        AuditIfChanged(audit, actor, now, "primary_contact", PrimaryContact.ToString(), next.PrimaryContact.ToString());
        AuditIfChanged(audit, actor, now, "time_zone", TimeZoneId, next.TimeZoneId);
        return audit.Count == 0 ? AccountDecision.Unchanged(this) : new AccountDecision(next, audit);
    }

    /// <summary>Replaces the billing address; a recorded VAT id of another country is cleared with it (taxes follow the address, ACC-5).</summary>
    private AccountDecision Decide(Actor actor, ChangeBillingAddress command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ChangeBillingInfo);
        var violations = new ViolationList();
        var address = AddressRules.Validate(command.Address, "billing_address", violations);
        violations.ThrowIfAny();
        if (address == BillingAddress)
        {
            return AccountDecision.Unchanged(this);
        }

        var audit = new List<AuditEntry> { AuditEntry.Of(actor, now, "billing_address", BillingAddress.ToString(), address!.ToString()) };
        var next = this with { BillingAddress = address };
        if (VatId is not null && !VatIdMatchesCountry(VatId, address.Country))
        {
            audit.Add(AuditEntry.Of(actor, now, "vat_id", VatId, null));
            next = next with { VatId = null };
        }

        return new AccountDecision(next, audit);
    }

    /// <summary>Sets or (with a null address) removes the shipping address.</summary>
    private AccountDecision Decide(Actor actor, ChangeShippingAddress command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ChangeBillingInfo);
        var violations = new ViolationList();
        var address = command.Address is null ? null : AddressRules.Validate(command.Address, "shipping_address", violations);
        violations.ThrowIfAny();
        return address == ShippingAddress
            ? AccountDecision.Unchanged(this)
            : AccountDecision.Of(
                this with { ShippingAddress = address },
                AuditEntry.Of(actor, now, "shipping_address", ShippingAddress?.ToString(), address?.ToString()));
    }

    /// <summary>
    /// Binds a sandbox account to a test clock (CLOCK-1). Refused for a production account, one already bound to another
    /// clock, and one that already started subscriptions: they renew on the real clock.
    /// </summary>
    private AccountDecision Decide(Actor actor, AttachTestClock command, DateTimeOffset now, IReadOnlyList<string> subscriptionIds)
    {
        Authorize(actor, AccountAction.ManageTestClock);
        var violations = new ViolationList();
        violations.Check("test_clock_id", TextRules.Required(command.TestClockId, 100));
        violations.ThrowIfAny();

        var clockId = command.TestClockId.Trim();
        if (!IsSandbox)
        {
            throw new RuleViolationException(Rules.Clock1, $"Account {Quoted.Of(Id)} is not a sandbox account; only sandbox accounts can follow a test clock.");
        }

        if (TestClockId == clockId)
        {
            return AccountDecision.Unchanged(this);
        }

        if (TestClockId is not null)
        {
            throw new RuleViolationException(
                Rules.Clock1, $"Account {Quoted.Of(Id)} already follows test clock {Quoted.Of(TestClockId)}; it cannot switch to {Quoted.Of(clockId)}.");
        }

        if (subscriptionIds.Count > 0)
        {
            throw new RuleViolationException(
                Rules.Clock1,
                $"Account {Quoted.Of(Id)} already has subscriptions ({string.Join(", ", subscriptionIds)}) renewing on the real clock; "
                + $"test clock {Quoted.Of(clockId)} can only be attached before the first subscription starts. Open a new sandbox account on the clock instead.");
        }

        return AccountDecision.Of(this with { TestClockId = clockId }, AuditEntry.Of(actor, now, "test_clock_id", null, clockId));
    }

    private static void AuditIfChanged(List<AuditEntry> audit, Actor actor, DateTimeOffset now, string what, string before, string after)
    {
        if (before != after)
        {
            audit.Add(AuditEntry.Of(actor, now, what, before, after));
        }
    }
}
