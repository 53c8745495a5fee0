using System.Reflection;

namespace Subscriptions.Domain;

/// <summary>
/// The specification's rules, each named once: refusals, tests and the ops printouts use these constants, never the
/// text of an id. Each constant says which SPEC.md section holds the rule and what the rule is about; the
/// <see cref="Catalogue"/> lists them all, in SPEC order.
/// </summary>
public static class Rules
{
    /// <summary>SPEC §1: an account's identity, contacts, addresses and billing currency.</summary>
    [Rule("§1 Account", "Company, primary contact, billing and shipping address, one billing currency")]
    public const string Acc1 = "ACC-1";

    /// <summary>SPEC §1: roles per account and what each may do.</summary>
    [Rule("§1 Account", "Roles: primary holder, billing viewer, user, billing ops")]
    public const string Acc2 = "ACC-2";

    /// <summary>SPEC §1: payment methods and their limits.</summary>
    [Rule("§1 Account", "Payment methods: at most 4 cards, 2 bank accounts, 2 wallets; one default")]
    public const string Acc3 = "ACC-3";

    /// <summary>SPEC §1: invoice and receipt recipients.</summary>
    [Rule("§1 Account", "Invoice recipients: up to 5 emails, one billing contact, a receipt recipient")]
    public const string Acc4 = "ACC-4";

    /// <summary>SPEC §1: taxes follow the billing address; VAT ids and exemptions.</summary>
    [Rule("§1 Account", "Taxes follow the billing address; VAT id, tax exemption")]
    public const string Acc5 = "ACC-5";

    /// <summary>SPEC §1: balance and overdue balance.</summary>
    [Rule("§1 Account", "Balance and overdue balance")]
    public const string Acc6 = "ACC-6";

    /// <summary>SPEC §1: the audit trail of access-relevant and billing changes.</summary>
    [Rule("§1 Account", "Audit trail: who, when, what, before and after")]
    public const string Acc7 = "ACC-7";

    /// <summary>SPEC §1: personal data is erased 6 months after the last subscription ended.</summary>
    [Rule("§1 Account", "Retention: personal data erased 6 months after the last subscription ended")]
    public const string Acc8 = "ACC-8";

    /// <summary>SPEC §2: a trial ends at its trial end date.</summary>
    [Rule("§2 Subscription", "Trial ends by its product's trial policy")]
    public const string Sub1 = "SUB-1";

    /// <summary>SPEC §2: free subscriptions and the upgrade to paid.</summary>
    [Rule("§2 Subscription", "Free costs nothing; upgrade to paid")]
    public const string Sub2 = "SUB-2";

    /// <summary>SPEC §2: an active subscription renews at the end of each period.</summary>
    [Rule("§2 Subscription", "Active renews automatically at the end of each period")]
    public const string Sub3 = "SUB-3";

    /// <summary>SPEC §2: self-service changes take effect at once, prorated.</summary>
    [Rule("§2 Subscription", "Self-service changes take effect at once, prorated")]
    public const string Sub4 = "SUB-4";

    /// <summary>SPEC §2: licences are assigned from the seats bought.</summary>
    [Rule("§2 Subscription", "Licences: assigned from the seats bought")]
    public const string Sub5 = "SUB-5";

    /// <summary>SPEC §2: cancellation at the end of the period, by the product's cancellation policy.</summary>
    [Rule("§2 Subscription", "Cancel: pending cancellation until the period ends")]
    public const string Sub6 = "SUB-6";

    /// <summary>SPEC §2: reactivation of a cancelled or expired subscription.</summary>
    [Rule("§2 Subscription", "Reactivation while the product still sells the plan")]
    public const string Sub7 = "SUB-7";

    /// <summary>SPEC §2: limited while a renewal invoice is overdue (dunning).</summary>
    [Rule("§2 Subscription", "Limited while a renewal invoice is overdue")]
    public const string Sub8 = "SUB-8";

    /// <summary>SPEC §2: suspended for non-payment after the grace period.</summary>
    [Rule("§2 Subscription", "Suspended after the grace period")]
    public const string Sub9 = "SUB-9";

    /// <summary>SPEC §2: billing frequency changes at the next renewal.</summary>
    [Rule("§2 Subscription", "Billing frequency monthly and annual")]
    public const string Sub10 = "SUB-10";

    /// <summary>SPEC §2: free months and the billing start.</summary>
    [Rule("§2 Subscription", "Free months and billing start")]
    public const string Sub11 = "SUB-11";

    /// <summary>SPEC §2: calendar proration.</summary>
    [Rule("§2 Subscription", "Calendar proration")]
    public const string Sub12 = "SUB-12";

    /// <summary>SPEC §3: what a quote lists.</summary>
    [Rule("§3 Quote and order", "A quote's lines")]
    public const string Quo1 = "QUO-1";

    /// <summary>SPEC §3: a sent quote expires after 7 days.</summary>
    [Rule("§3 Quote and order", "A sent quote expires after 7 days")]
    public const string Quo2 = "QUO-2";

    /// <summary>SPEC §3: a new order supersedes the pending quote.</summary>
    [Rule("§3 Quote and order", "A new order supersedes the pending quote")]
    public const string Quo3 = "QUO-3";

    /// <summary>SPEC §3: self-service add-seats only for eligible products.</summary>
    [Rule("§3 Quote and order", "Self-service add-seats only for eligible products")]
    public const string Quo4 = "QUO-4";

    /// <summary>SPEC §3: accepting places the service order.</summary>
    [Rule("§3 Quote and order", "Accepting places the service order")]
    public const string Quo5 = "QUO-5";

    /// <summary>SPEC §3: rejecting needs a comment.</summary>
    [Rule("§3 Quote and order", "Rejecting needs a comment")]
    public const string Quo6 = "QUO-6";

    /// <summary>SPEC §4: invoice numbers, dates and totals.</summary>
    [Rule("§4 Invoice and payment", "Invoice number, issue date, due date, totals")]
    public const string Inv1 = "INV-1";

    /// <summary>SPEC §4: taxes on the invoice subtotal.</summary>
    [Rule("§4 Invoice and payment", "Taxes on the subtotal by billing address")]
    public const string Inv2 = "INV-2";

    /// <summary>SPEC §4: full or partial payments and the method used.</summary>
    [Rule("§4 Invoice and payment", "Payments: full or partial, default or another method")]
    public const string Inv3 = "INV-3";

    /// <summary>SPEC §4: declined payments and retries.</summary>
    [Rule("§4 Invoice and payment", "A declined payment retried after 1 hour, at most 3 attempts")]
    public const string Inv4 = "INV-4";

    /// <summary>SPEC §4: past its due date with a balance, an invoice is overdue.</summary>
    [Rule("§4 Invoice and payment", "Overdue past the due date")]
    public const string Inv5 = "INV-5";

    /// <summary>SPEC §4: autopay.</summary>
    [Rule("§4 Invoice and payment", "Autopay at renewal, or on the 10th for calendar billing")]
    public const string Inv6 = "INV-6";

    /// <summary>SPEC §4: disputes within 15 days of issue.</summary>
    [Rule("§4 Invoice and payment", "Disputes within 15 days of issue")]
    public const string Inv7 = "INV-7";

    /// <summary>SPEC §4: corporate invoices are annual; the invoice document.</summary>
    [Rule("§4 Invoice and payment", "Corporate invoices annual; invoice document")]
    public const string Inv8 = "INV-8";

    /// <summary>SPEC §4: local currency display.</summary>
    [Rule("§4 Invoice and payment", "Local currency display")]
    public const string Inv9 = "INV-9";

    /// <summary>SPEC §5: tax from the billing address.</summary>
    [Rule("§5 Taxes", "Tax from the billing address")]
    public const string Tax1 = "TAX-1";

    /// <summary>SPEC §5: reverse charge.</summary>
    [Rule("§5 Taxes", "Reverse charge for EU businesses with a valid VAT id")]
    public const string Tax2 = "TAX-2";

    /// <summary>SPEC §5: rates live in data.</summary>
    [Rule("§5 Taxes", "Rates live in data")]
    public const string Tax3 = "TAX-3";

    /// <summary>SPEC §7: notifications through an outbox.</summary>
    [Rule("§7 Cross-cutting", "Notifications through an outbox, delivered at least once")]
    public const string Not1 = "NOT-1";

    /// <summary>SPEC §7: request ids and retries.</summary>
    [Rule("§7 Cross-cutting", "A retry with the same request id returns the first result")]
    public const string Idem1 = "IDEM-1";

    /// <summary>SPEC §7: ops inspection.</summary>
    [Rule("§7 Cross-cutting", "Ops inspect any grain: state, version, reminders, history")]
    public const string Ops1 = "OPS-1";

    /// <summary>SPEC §7: test clocks.</summary>
    [Rule("§7 Cross-cutting", "Test clocks on sandbox accounts")]
    public const string Clock1 = "CLOCK-1";

    /// <summary>Every rule, in SPEC order.</summary>
    public static IReadOnlyList<RuleEntry> Catalogue { get; } =
        [.. typeof(Rules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .OrderBy(f => f.MetadataToken)
            .Select(f => f.GetCustomAttribute<RuleAttribute>() is { } rule
                ? new RuleEntry((string)f.GetRawConstantValue()!, rule.Section, rule.Summary)
                : throw new InvalidOperationException($"Rule constant {f.Name} has no [Rule] attribute naming its SPEC section."))];
}

/// <summary>One rule of the catalogue: its id, its SPEC section and what it is about.</summary>
public sealed record RuleEntry(string Id, string Section, string Summary);

/// <summary>Names the SPEC section of a rule constant in <see cref="Rules"/>, and what the rule is about.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class RuleAttribute(string section, string summary) : Attribute
{
    /// <summary>The SPEC.md section, e.g. "§2 Subscription".</summary>
    public string Section { get; } = section;

    /// <summary>What the rule is about, in a few words.</summary>
    public string Summary { get; } = summary;
}
