using Grpc.Core;
using Npgsql;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Accounts;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>
/// Retention and erasure (ACC-8) through the API on a test clock: erased by reminder 6 months after the last
/// subscription ended, or at once on a GDPR request by billing ops; invoices keep numbers, amounts and tax and lose the
/// buyer's personal data; nothing can be changed or reactivated after; the erasure is audited without the erased values.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ErasureTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task ACC_8_personal_data_is_erased_by_reminder_six_months_after_the_last_subscription_ended()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var number = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(31));
        Assert.Equal(Proto.SubscriptionStatus.Cancelled, (await kit.GetAsync("meeting-1")).Status);

        await kit.AdvanceToAsync(new DateTimeOffset(2026, 9, 29, 0, 0, 0, TimeSpan.Zero));
        var kept = await server.Client.GetAccountAsync(kit.AccountId, kit.Ops);
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1")).SubscriptionId);
        await kit.AdvanceToAsync(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
        var erased = await server.Client.GetAccountAsync(kit.AccountId, kit.Ops);
        var read = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.GetAsync("meeting-1"));

        Assert.Equal(("Acme Widgets", null), (kept.CompanyName, kept.PersonalDataErasedAt));
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 0, 0, 0, TimeSpan.Zero), erased.PersonalDataErasedAt.ToDateTimeOffset());
        AssertErased(erased);
        var inspected = await kit.InspectAccountAsync();
        var entry = Assert.Single(inspected.History, h => h.Change == "personal_data_erased");
        Assert.Equal(("reminder", "retention-end", "reminder"), (entry.Cause.Kind, entry.Cause.Name, entry.Cause.Caller));
        Assert.Contains("Retention period over", entry.To, StringComparison.Ordinal);
        var invoice = await server.Client.InvoiceAsync<Proto.GetInvoiceRequest, Proto.Invoice>(
            "GetInvoice", new Proto.GetInvoiceRequest { AccountId = kit.AccountId, InvoiceNumber = number }, kit.Ops);
        Assert.Equal(("12.00", Proto.InvoiceStatus.Paid), (invoice.Total.Amount, invoice.Status));
        var reactivate = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.ActAsync("ReactivateSubscription", "meeting-1", kit.Ops));
        Assert.Equal(Rules.Acc8, reactivate.RuleId());
        Assert.Equal(Rules.Acc2, read.RuleId());
        Assert.Equal(0, await MentionsAsync(kit.AccountId, "ada@acme.example"));
        Assert.Contains(PersonalDataErased.Kind, await kit.NotificationsAsync(AccountGrain.TypeName, kit.AccountId));
    }

    [Fact]
    public async Task ACC_8_a_gdpr_request_erases_at_once_once_no_subscription_is_live_and_is_audited_without_the_values()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var number = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;

        var live = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => EraseAsync(kit, kit.Ops));
        var byHolder = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => EraseAsync(kit, kit.Holder));
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(31));
        Assert.True(await MentionsAsync(kit.AccountId, "ada@acme.example") > 0);
        Assert.Equal("meeting-1", (await kit.GetAsync("meeting-1")).SubscriptionId);
        var erased = await EraseAsync(kit, kit.Ops);
        var again = await EraseAsync(kit, kit.Ops);

        Assert.Equal(Rules.Acc8, live.RuleId());
        Assert.Contains("meeting-1", live.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Rules.Acc2, byHolder.RuleId());
        AssertErased(erased);
        Assert.Equal(erased.PersonalDataErasedAt, again.PersonalDataErasedAt);
        Assert.Equal(0, await MentionsAsync(kit.AccountId, "ada@acme.example"));
        var history = (await kit.InspectAccountAsync()).History;
        var entry = Assert.Single(history, h => h.Change == "personal_data_erased");
        Assert.Equal(("call", TestTokens.OpsSubject), (entry.Cause.Kind, entry.Cause.Caller));
        Assert.Equal("reason: GDPR request 2026-118", entry.To);
        Assert.Contains(history, h => h.Change == "invoice_issued" && h.To == number);

        // The holder is no longer a member, not even of the subscription they read just before; billing ops may read but
        // change nothing, and nothing is reactivated.
        await Api.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.GetAccountAsync(kit.AccountId, kit.Holder));
        await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.GetAsync("meeting-1"));
        var change = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => server.Client.AccountAsync("UpdateCompanyProfile", new Proto.UpdateCompanyProfileRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, CompanyName = "Back again",
            PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+12175550100" }, TimeZone = "UTC",
        }, kit.Ops));
        Assert.Equal(Rules.Acc8, change.RuleId());
        var document = await server.Client.InvoiceAsync<Proto.GetInvoiceDocumentRequest, Proto.InvoiceDocument>(
            "GetInvoiceDocument", new Proto.GetInvoiceDocumentRequest { AccountId = kit.AccountId, InvoiceNumber = number }, kit.Ops);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(document.Content.ToByteArray());
        var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains(number, text, StringComparison.Ordinal);
        Assert.Contains("$12.00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Acme", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", text, StringComparison.Ordinal);
    }

    private static void AssertErased(Proto.Account account)
    {
        Assert.Equal(
            ("[erased]", "[erased]", "[erased]", "[erased]", "US", 0, "", 0),
            (account.CompanyName, account.PrimaryContact.Email, account.BillingAddress.Line1, account.BillingAddress.City, account.BillingAddress.Country,
             account.PaymentMethods.Count, account.VatId, account.InvoiceRecipients.Count));
        Assert.DoesNotContain(account.Members, m => m.Email.Contains('@', StringComparison.Ordinal));
    }

    private Task<Proto.Account> EraseAsync(SubscriptionKit kit, CallOptions caller) =>
        server.Client.AccountAsync("ErasePersonalData", new Proto.ErasePersonalDataRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, Reason = "GDPR request 2026-118",
        }, caller);

    /// <summary>How many stored history rows and notifications of the account still mention <paramref name="text"/>.</summary>
    private async Task<long> MentionsAsync(string accountId, string text)
    {
        await using var command = server.Cluster.DataSource.CreateCommand(
            """
            SELECT (SELECT count(*) FROM public.grain_history WHERE grain_type = 'account' AND grain_key = $1
                      AND concat(from_state, to_state, payload::text) LIKE '%' || $2 || '%')
                 + (SELECT count(*) FROM public.outbox WHERE account_id = $1 AND payload::text LIKE '%' || $2 || '%')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = text });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
