using Grpc.Core;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Accounts;

/// <summary>subscriptions.v1.AccountService: validates at the edge, maps to domain commands and calls the account grain.</summary>
public sealed class AccountService(IGrainFactory grains) : Proto.AccountService.AccountServiceBase
{
    /// <summary>Opens an account (ACC-1, CLOCK-1).</summary>
    [AnyCaller]
    public override async Task<Proto.Account> CreateAccount(Proto.CreateAccountRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId)
            .Id("account_id", request.AccountId)
            .Check("test_clock_id", request.TestClockId.Length == 0 || request.Sandbox, $"can only be set on a sandbox account ({Rules.Clock1})")
            .ThrowIfInvalid();
        var command = new CreateAccount(
            request.AccountId,
            request.CompanyName,
            CommonMapping.ToDomain(request.PrimaryContact)!,
            CommonMapping.ToDomain(request.BillingAddress)!,
            CommonMapping.ToDomain(request.ShippingAddress),
            request.Currency,
            AccountMapping.ToDomain(request.Kind),
            CommonMapping.Blank(request.TimeZone),
            request.PrimaryHolderSubjectId,
            request.Sandbox,
            CommonMapping.Blank(request.TestClockId));
        return await ChangeAsync(context, request, (grain, actor) => grain.CreateAsync(actor, command, context.CancellationToken));
    }

    /// <summary>Reads an account.</summary>
    [OnAccount(AccountAction.ViewBillingInfo)]
    public override async Task<Proto.Account> GetAccount(Proto.GetAccountRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return AccountMapping.ToProto(await Account(request.AccountId).GetAsync(CallScope.ActorOf(context), CallScope.Read));
    }

    /// <summary>Changes company name, primary contact and time zone.</summary>
    [OnAccount(AccountAction.ChangeBillingInfo)]
    public override Task<Proto.Account> UpdateCompanyProfile(Proto.UpdateCompanyProfileRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new UpdateCompanyProfile(
            request.CompanyName, CommonMapping.ToDomain(request.PrimaryContact)!, CommonMapping.Blank(request.TimeZone)), context.CancellationToken));

    /// <summary>Replaces the billing address.</summary>
    [OnAccount(AccountAction.ChangeBillingInfo)]
    public override Task<Proto.Account> ChangeBillingAddress(Proto.ChangeBillingAddressRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new ChangeBillingAddress(CommonMapping.ToDomain(request.BillingAddress)!), context.CancellationToken));

    /// <summary>Sets or removes the shipping address.</summary>
    [OnAccount(AccountAction.ChangeBillingInfo)]
    public override Task<Proto.Account> ChangeShippingAddress(Proto.ChangeShippingAddressRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new ChangeShippingAddress(CommonMapping.ToDomain(request.ShippingAddress)), context.CancellationToken));

    /// <summary>Records or clears the VAT id.</summary>
    [OnAccount(AccountAction.ManageTaxSettings)]
    public override Task<Proto.Account> RecordVatId(Proto.RecordVatIdRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new RecordVatId(CommonMapping.Blank(request.VatId)), context.CancellationToken));

    /// <summary>Requests a US tax exemption.</summary>
    [OnAccount(AccountAction.ManageTaxSettings)]
    public override Task<Proto.Account> RequestTaxExemption(Proto.RequestTaxExemptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new RequestTaxExemption(request.CertificateReference), context.CancellationToken));

    /// <summary>Approves or rejects the pending tax exemption (ops).</summary>
    [OpsOnly]
    public override Task<Proto.Account> DecideTaxExemption(Proto.DecideTaxExemptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => request.Approve
            ? grain.ChangeAsync(actor, new ApproveTaxExemption(CommonMapping.Blank(request.Note)), context.CancellationToken)
            : grain.ChangeAsync(actor, new RejectTaxExemption(request.Reason), context.CancellationToken));

    /// <summary>Erases the account's personal data at once (ACC-8; billing ops).</summary>
    [OpsOnly]
    public override Task<Proto.Account> ErasePersonalData(Proto.ErasePersonalDataRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new ErasePersonalData(request.Reason), context.CancellationToken));

    /// <summary>Saves a card.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> AddCard(Proto.AddCardRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new AddCard(
            request.PaymentMethodId, AccountMapping.ToDomain(request.Brand), request.GatewayToken, request.Last4, request.ExpiryMonth, request.ExpiryYear), context.CancellationToken));

    /// <summary>Saves a bank account.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> AddBankAccount(Proto.AddBankAccountRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new AddBankAccount(
            request.PaymentMethodId, request.GatewayToken, request.BankName, request.Last4), context.CancellationToken));

    /// <summary>Connects a PayPal wallet.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> AddPayPalWallet(Proto.AddPayPalWalletRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new AddPayPalWallet(
            request.PaymentMethodId, request.GatewayToken, request.Email), context.CancellationToken));

    /// <summary>Removes a payment method.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> RemovePaymentMethod(Proto.RemovePaymentMethodRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new RemovePaymentMethod(request.PaymentMethodId), context.CancellationToken));

    /// <summary>Chooses the default payment method.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> SetDefaultPaymentMethod(Proto.SetDefaultPaymentMethodRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new SetDefaultPaymentMethod(request.PaymentMethodId), context.CancellationToken));

    /// <summary>Turns autopay on or off.</summary>
    [OnAccount(AccountAction.ManagePaymentMethods)]
    public override Task<Proto.Account> SetAutopay(Proto.SetAutopayRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new SetAutopay(request.Enabled), context.CancellationToken));

    /// <summary>Adds an invoice recipient.</summary>
    [OnAccount(AccountAction.ManageRecipients)]
    public override Task<Proto.Account> AddInvoiceRecipient(Proto.AddInvoiceRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new AddInvoiceRecipient(request.Email), context.CancellationToken));

    /// <summary>Removes an invoice recipient.</summary>
    [OnAccount(AccountAction.ManageRecipients)]
    public override Task<Proto.Account> RemoveInvoiceRecipient(Proto.RemoveInvoiceRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new RemoveInvoiceRecipient(request.Email), context.CancellationToken));

    /// <summary>Sets the receipt recipient.</summary>
    [OnAccount(AccountAction.ManageRecipients)]
    public override Task<Proto.Account> SetReceiptRecipient(Proto.SetReceiptRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new SetReceiptRecipient(request.Email), context.CancellationToken));

    /// <summary>Adds a member.</summary>
    [OnAccount(AccountAction.ManageMembers)]
    public override Task<Proto.Account> AddMember(Proto.AddMemberRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new AddMember(request.SubjectId, request.Email, AccountMapping.ToDomain(request.Role)), context.CancellationToken));

    /// <summary>Removes a member.</summary>
    [OnAccount(AccountAction.ManageMembers)]
    public override Task<Proto.Account> RemoveMember(Proto.RemoveMemberRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new RemoveMember(request.SubjectId), context.CancellationToken));

    /// <summary>Changes a member's role.</summary>
    [OnAccount(AccountAction.ManageMembers)]
    public override Task<Proto.Account> ChangeMemberRole(Proto.ChangeMemberRoleRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new ChangeMemberRole(request.SubjectId, AccountMapping.ToDomain(request.Role)), context.CancellationToken));

    /// <summary>Hands the billing contact to another member.</summary>
    [OnAccount(AccountAction.ChangeBillingContact)]
    public override Task<Proto.Account> ChangeBillingContact(Proto.ChangeBillingContactRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeAsync(actor, new ChangeBillingContact(request.NewHolderSubjectId), context.CancellationToken));

    /// <summary>Binds a sandbox account to a test clock.</summary>
    [OnAccount(AccountAction.ManageTestClock)]
    public override Task<Proto.Account> AttachTestClock(Proto.AttachTestClockRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.ChangeAsync(actor, new AttachTestClock(request.TestClockId), context.CancellationToken));

    private IAccountGrain Account(string accountId) => grains.GetGrain<IAccountGrain>(accountId);

    private async Task<Proto.Account> ChangeAsync<TRequest>(
        ServerCallContext context, TRequest request, Func<IAccountGrain, Actor, Task<AccountSnapshot>> change)
        where TRequest : Proto.IAccountChangeRequest
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId).Id("account_id", request.AccountId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context, request.RequestId);
        return AccountMapping.ToProto(await change(Account(request.AccountId), CallScope.ActorOf(context)));
    }
}
