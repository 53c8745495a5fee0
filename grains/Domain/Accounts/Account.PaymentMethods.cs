using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>
/// Payment methods (ACC-3). Malformed input (bad last four digits, a card number where a token belongs) is a
/// <see cref="ValidationException"/>; refusals that depend on the account (limits, Discover outside USD, expiry,
/// duplicates) are <see cref="RuleViolationException"/>s with rule id ACC-3.
/// </summary>
public sealed partial record Account
{
    /// <summary>Saves a card; Discover only on USD accounts; an already expired card is refused.</summary>
    private AccountDecision Decide(Actor actor, AddCard command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        var violations = new ViolationList();
        CheckIdAndToken(violations, command.PaymentMethodId, command.GatewayToken);
        violations.Check("brand", Enum.IsDefined(command.Brand)
            ? null
            : $"must be one of {string.Join(", ", Enum.GetValues<CardBrand>().Select(b => b.DisplayName()))}");
        violations.Check("last4", Last4Problem(command.Last4));
        violations.Check("expiry_month", command.ExpiryMonth is >= 1 and <= 12 ? null : $"{command.ExpiryMonth} is not a month (1 to 12)");
        violations.Check("expiry_year", command.ExpiryYear is >= 2000 and <= 2100 ? null : $"{command.ExpiryYear} is not a four-digit year");
        violations.ThrowIfAny();

        if (command.Brand == CardBrand.Discover && Currency != Currency.Usd)
        {
            throw new RuleViolationException(
                Rules.Acc3, $"Discover cards are accepted only on USD accounts; account {Quoted.Of(Id)} is billed in {Currency.Code}.");
        }

        var card = new Card(
            command.PaymentMethodId.Trim(), command.GatewayToken.Trim(), now, command.Brand, command.Last4, command.ExpiryMonth, command.ExpiryYear);
        if (card.IsExpiredOn(LocalDate(now)))
        {
            throw new RuleViolationException(
                Rules.Acc3, $"The {card.Describe()} has expired ({LocalDate(now):yyyy-MM-dd} in {TimeZoneId}); it cannot be saved on account {Quoted.Of(Id)}.");
        }

        return Add(actor, card, now);
    }

    /// <summary>Saves a bank account for direct debit / ACH.</summary>
    private AccountDecision Decide(Actor actor, AddBankAccount command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        var violations = new ViolationList();
        CheckIdAndToken(violations, command.PaymentMethodId, command.GatewayToken);
        violations.Check("bank_name", TextRules.Required(command.BankName, 100) ?? CardNumberGuard.Problem(command.BankName));
        violations.Check("last4", Last4Problem(command.Last4));
        violations.ThrowIfAny();

        return Add(actor, new BankAccount(command.PaymentMethodId.Trim(), command.GatewayToken.Trim(), now, command.BankName.Trim(), command.Last4), now);
    }

    /// <summary>Connects a PayPal wallet.</summary>
    private AccountDecision Decide(Actor actor, AddPayPalWallet command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        var violations = new ViolationList();
        CheckIdAndToken(violations, command.PaymentMethodId, command.GatewayToken);
        violations.Check("email", CardNumberGuard.Problem(command.Email) ?? EmailRules.Problem(command.Email));
        violations.ThrowIfAny();

        return Add(actor, new PayPalWallet(command.PaymentMethodId.Trim(), command.GatewayToken.Trim(), now, EmailRules.Normalize(command.Email)), now);
    }

    /// <summary>
    /// Removes a payment method. When it was the default, the most recently added method that is still usable becomes
    /// the default (or, when only expired cards remain, the most recently added of them), so a default exists whenever
    /// any method does.
    /// </summary>
    private AccountDecision Decide(Actor actor, RemovePaymentMethod command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        var method = FindPaymentMethod(command.PaymentMethodId);
        var remaining = PaymentMethods.Where(m => m != method).ToArray();
        var audit = new List<AuditEntry> { AuditEntry.Of(actor, now, "payment_method", method.Describe(), null) };
        var next = this with { PaymentMethods = remaining };
        if (method.Id == DefaultPaymentMethodId)
        {
            var today = LocalDate(now);
            var promoted = remaining.LastOrDefault(m => !m.IsExpiredOn(today)) ?? remaining.LastOrDefault();
            next = next with { DefaultPaymentMethodId = promoted?.Id };
            audit.Add(AuditEntry.Of(actor, now, "default_payment_method", method.Describe(), promoted?.Describe()));
        }

        return new AccountDecision(next, audit);
    }

    /// <summary>Makes a saved method the default; a card expired in the account's time zone is refused.</summary>
    private AccountDecision Decide(Actor actor, SetDefaultPaymentMethod command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        var method = FindPaymentMethod(command.PaymentMethodId);
        if (method.Id == DefaultPaymentMethodId)
        {
            return AccountDecision.Unchanged(this);
        }

        if (method.IsExpiredOn(LocalDate(now)))
        {
            throw new RuleViolationException(
                Rules.Acc3, $"The {method.Describe()} has expired ({LocalDate(now):yyyy-MM-dd} in {TimeZoneId}); an expired card cannot be made the default of account {Quoted.Of(Id)}.");
        }

        return AccountDecision.Of(
            this with { DefaultPaymentMethodId = method.Id },
            AuditEntry.Of(actor, now, "default_payment_method", DefaultPaymentMethod?.Describe(), method.Describe()));
    }

    /// <summary>Turns autopay on or off.</summary>
    private AccountDecision Decide(Actor actor, SetAutopay command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManagePaymentMethods);
        return command.Enabled == AutopayEnabled
            ? AccountDecision.Unchanged(this)
            : AccountDecision.Of(
                this with { AutopayEnabled = command.Enabled },
                AuditEntry.Of(actor, now, "autopay", OnOff(AutopayEnabled), OnOff(command.Enabled)));
    }

    private AccountDecision Add(Actor actor, PaymentMethod method, DateTimeOffset now)
    {
        if (PaymentMethods.FirstOrDefault(m => m.Id == method.Id || m.GatewayToken == method.GatewayToken) is { } existing)
        {
            throw new RuleViolationException(
                Rules.Acc3, $"Account {Quoted.Of(Id)} already has this payment method (id {Quoted.Of(existing.Id)}, {existing.Describe()}).");
        }

        var max = PaymentMethodLimits.MaxOf(method.Kind);
        if (PaymentMethods.Count(m => m.Kind == method.Kind) >= max)
        {
            throw new RuleViolationException(
                Rules.Acc3, $"Account {Quoted.Of(Id)} already has {max} {method.Kind.Plural()}, the most allowed; remove one before adding another.");
        }

        var next = this with { PaymentMethods = [.. PaymentMethods, method], DefaultPaymentMethodId = DefaultPaymentMethodId ?? method.Id };
        var added = AuditEntry.Of(actor, now, "payment_method", null, method.Describe());
        return DefaultPaymentMethodId is null
            ? AccountDecision.Of(next, added, AuditEntry.Of(actor, now, "default_payment_method", null, method.Describe()))
            : AccountDecision.Of(next, added);
    }

    private PaymentMethod FindPaymentMethod(string? paymentMethodId)
    {
        var violations = new ViolationList();
        violations.Check("payment_method_id", TextRules.Required(paymentMethodId, 100));
        violations.ThrowIfAny();
        return PaymentMethods.FirstOrDefault(m => m.Id == paymentMethodId!.Trim())
            ?? throw new NotFoundException("Payment method", $"{Id}/{paymentMethodId!.Trim()}");
    }

    private static void CheckIdAndToken(ViolationList violations, string? paymentMethodId, string? gatewayToken)
    {
        violations.Check("payment_method_id", TextRules.Required(paymentMethodId, 100) ?? CardNumberGuard.Problem(paymentMethodId));
        violations.Check("gateway_token", TextRules.Required(gatewayToken, 500) ?? CardNumberGuard.Problem(gatewayToken));
    }

    private static string? Last4Problem(string? last4) =>
        CardNumberGuard.Problem(last4)
        ?? (last4 is { Length: 4 } && last4.All(char.IsAsciiDigit) ? null : $"{Quoted.Of(last4)} must be exactly the last 4 digits of the number");

    private static string OnOff(bool enabled) => enabled ? "on" : "off";
}
