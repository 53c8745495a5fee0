using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Runtime;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Accounts;

/// <summary>subscriptions.v1.AccountService: validates at the edge, maps to domain commands and calls the account grain.</summary>
public sealed class AccountService(IGrainFactory grains)
{
    /// <summary>Registers every method with its ACC-2 policy.</summary>
    public static void Register(GrpcServiceRegistry registry, AccountService service)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(service);
        var read = AccountPolicy.For(AccountAccess.Read);
        var manage = AccountPolicy.For(AccountAccess.ManageBilling);
        // Billing viewers manage invoice and receipt recipients (ACC-4); the domain makes the final check.
        var recipients = AccountPolicy.For(AccountAccess.Pay);
        new ServiceMethods(registry, Proto.AccountsReflection.Descriptor.Services.Single(s => s.Name == "AccountService"))
            .Unary<Proto.CreateAccountRequest, Proto.Account>("CreateAccount", CallPolicies.Authenticated, service.CreateAccountAsync)
            .Unary<Proto.GetAccountRequest, Proto.Account>("GetAccount", read, service.GetAccountAsync)
            .Unary<Proto.UpdateCompanyProfileRequest, Proto.Account>("UpdateCompanyProfile", manage, service.UpdateCompanyProfileAsync)
            .Unary<Proto.ChangeBillingAddressRequest, Proto.Account>("ChangeBillingAddress", manage, service.ChangeBillingAddressAsync)
            .Unary<Proto.ChangeShippingAddressRequest, Proto.Account>("ChangeShippingAddress", manage, service.ChangeShippingAddressAsync)
            .Unary<Proto.RecordVatIdRequest, Proto.Account>("RecordVatId", manage, service.RecordVatIdAsync)
            .Unary<Proto.RequestTaxExemptionRequest, Proto.Account>("RequestTaxExemption", manage, service.RequestTaxExemptionAsync)
            .Unary<Proto.DecideTaxExemptionRequest, Proto.Account>("DecideTaxExemption", CallPolicies.Ops, service.DecideTaxExemptionAsync)
            .Unary<Proto.AddCardRequest, Proto.Account>("AddCard", manage, service.AddCardAsync)
            .Unary<Proto.AddBankAccountRequest, Proto.Account>("AddBankAccount", manage, service.AddBankAccountAsync)
            .Unary<Proto.AddPayPalWalletRequest, Proto.Account>("AddPayPalWallet", manage, service.AddPayPalWalletAsync)
            .Unary<Proto.RemovePaymentMethodRequest, Proto.Account>("RemovePaymentMethod", manage, service.RemovePaymentMethodAsync)
            .Unary<Proto.SetDefaultPaymentMethodRequest, Proto.Account>("SetDefaultPaymentMethod", manage, service.SetDefaultPaymentMethodAsync)
            .Unary<Proto.SetAutopayRequest, Proto.Account>("SetAutopay", manage, service.SetAutopayAsync)
            .Unary<Proto.AddInvoiceRecipientRequest, Proto.Account>("AddInvoiceRecipient", recipients, service.AddInvoiceRecipientAsync)
            .Unary<Proto.RemoveInvoiceRecipientRequest, Proto.Account>("RemoveInvoiceRecipient", recipients, service.RemoveInvoiceRecipientAsync)
            .Unary<Proto.SetReceiptRecipientRequest, Proto.Account>("SetReceiptRecipient", recipients, service.SetReceiptRecipientAsync)
            .Unary<Proto.AddMemberRequest, Proto.Account>("AddMember", manage, service.AddMemberAsync)
            .Unary<Proto.RemoveMemberRequest, Proto.Account>("RemoveMember", manage, service.RemoveMemberAsync)
            .Unary<Proto.ChangeMemberRoleRequest, Proto.Account>("ChangeMemberRole", manage, service.ChangeMemberRoleAsync)
            .Unary<Proto.ChangeBillingContactRequest, Proto.Account>("ChangeBillingContact", manage, service.ChangeBillingContactAsync)
            .Unary<Proto.AttachTestClockRequest, Proto.Account>("AttachTestClock", manage, service.AttachTestClockAsync);
    }

    /// <summary>Opens an account (ACC-1, CLOCK-1).</summary>
    public async Task<Proto.Account> CreateAccountAsync(Proto.CreateAccountRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Mutating(request.RequestId)
            .Id("account_id", request.AccountId)
            .Check("test_clock_id", request.TestClockId.Length == 0 || request.Sandbox, "can only be set on a sandbox account (CLOCK-1)")
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
        return await ChangeAsync(context, request, (grain, actor) => grain.CreateAsync(actor, command));
    }

    /// <summary>Reads an account.</summary>
    public async Task<Proto.Account> GetAccountAsync(Proto.GetAccountRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Id("account_id", request.AccountId).ThrowIfInvalid();
        using var scope = CallScope.Enter(context);
        return AccountMapping.ToProto(await Account(request.AccountId).GetAsync(CallScope.ActorOf(context)));
    }

    /// <summary>Changes company name, primary contact and time zone.</summary>
    public Task<Proto.Account> UpdateCompanyProfileAsync(Proto.UpdateCompanyProfileRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.UpdateCompanyProfileAsync(actor, new UpdateCompanyProfile(
            request.CompanyName, CommonMapping.ToDomain(request.PrimaryContact)!, CommonMapping.Blank(request.TimeZone))));

    /// <summary>Replaces the billing address.</summary>
    public Task<Proto.Account> ChangeBillingAddressAsync(Proto.ChangeBillingAddressRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeBillingAddressAsync(actor, new ChangeBillingAddress(CommonMapping.ToDomain(request.BillingAddress)!)));

    /// <summary>Sets or removes the shipping address.</summary>
    public Task<Proto.Account> ChangeShippingAddressAsync(Proto.ChangeShippingAddressRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeShippingAddressAsync(actor, new ChangeShippingAddress(CommonMapping.ToDomain(request.ShippingAddress))));

    /// <summary>Records or clears the VAT id.</summary>
    public Task<Proto.Account> RecordVatIdAsync(Proto.RecordVatIdRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.RecordVatIdAsync(actor, new RecordVatId(CommonMapping.Blank(request.VatId))));

    /// <summary>Requests a US tax exemption.</summary>
    public Task<Proto.Account> RequestTaxExemptionAsync(Proto.RequestTaxExemptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.RequestTaxExemptionAsync(actor, new RequestTaxExemption(request.CertificateReference)));

    /// <summary>Approves or rejects the pending tax exemption (ops).</summary>
    public Task<Proto.Account> DecideTaxExemptionAsync(Proto.DecideTaxExemptionRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => request.Approve
            ? grain.ApproveTaxExemptionAsync(actor, new ApproveTaxExemption(CommonMapping.Blank(request.Note)))
            : grain.RejectTaxExemptionAsync(actor, new RejectTaxExemption(request.Reason)));

    /// <summary>Saves a card.</summary>
    public Task<Proto.Account> AddCardAsync(Proto.AddCardRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.AddCardAsync(actor, new AddCard(
            request.PaymentMethodId, AccountMapping.ToDomain(request.Brand), request.GatewayToken, request.Last4, request.ExpiryMonth, request.ExpiryYear)));

    /// <summary>Saves a bank account.</summary>
    public Task<Proto.Account> AddBankAccountAsync(Proto.AddBankAccountRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.AddBankAccountAsync(actor, new AddBankAccount(
            request.PaymentMethodId, request.GatewayToken, request.BankName, request.Last4)));

    /// <summary>Connects a PayPal wallet.</summary>
    public Task<Proto.Account> AddPayPalWalletAsync(Proto.AddPayPalWalletRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.AddPayPalWalletAsync(actor, new AddPayPalWallet(
            request.PaymentMethodId, request.GatewayToken, request.Email)));

    /// <summary>Removes a payment method.</summary>
    public Task<Proto.Account> RemovePaymentMethodAsync(Proto.RemovePaymentMethodRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.RemovePaymentMethodAsync(actor, new RemovePaymentMethod(request.PaymentMethodId)));

    /// <summary>Chooses the default payment method.</summary>
    public Task<Proto.Account> SetDefaultPaymentMethodAsync(Proto.SetDefaultPaymentMethodRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.SetDefaultPaymentMethodAsync(actor, new SetDefaultPaymentMethod(request.PaymentMethodId)));

    /// <summary>Turns autopay on or off.</summary>
    public Task<Proto.Account> SetAutopayAsync(Proto.SetAutopayRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.SetAutopayAsync(actor, new SetAutopay(request.Enabled)));

    /// <summary>Adds an invoice recipient.</summary>
    public Task<Proto.Account> AddInvoiceRecipientAsync(Proto.AddInvoiceRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.AddInvoiceRecipientAsync(actor, new AddInvoiceRecipient(request.Email)));

    /// <summary>Removes an invoice recipient.</summary>
    public Task<Proto.Account> RemoveInvoiceRecipientAsync(Proto.RemoveInvoiceRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.RemoveInvoiceRecipientAsync(actor, new RemoveInvoiceRecipient(request.Email)));

    /// <summary>Sets the receipt recipient.</summary>
    public Task<Proto.Account> SetReceiptRecipientAsync(Proto.SetReceiptRecipientRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.SetReceiptRecipientAsync(actor, new SetReceiptRecipient(request.Email)));

    /// <summary>Adds a member.</summary>
    public Task<Proto.Account> AddMemberAsync(Proto.AddMemberRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.AddMemberAsync(actor, new AddMember(request.SubjectId, request.Email, AccountMapping.ToDomain(request.Role))));

    /// <summary>Removes a member.</summary>
    public Task<Proto.Account> RemoveMemberAsync(Proto.RemoveMemberRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.RemoveMemberAsync(actor, new RemoveMember(request.SubjectId)));

    /// <summary>Changes a member's role.</summary>
    public Task<Proto.Account> ChangeMemberRoleAsync(Proto.ChangeMemberRoleRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeMemberRoleAsync(actor, new ChangeMemberRole(request.SubjectId, AccountMapping.ToDomain(request.Role))));

    /// <summary>Hands the billing contact to another member.</summary>
    public Task<Proto.Account> ChangeBillingContactAsync(Proto.ChangeBillingContactRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) =>
            grain.ChangeBillingContactAsync(actor, new ChangeBillingContact(request.NewHolderSubjectId)));

    /// <summary>Binds a sandbox account to a test clock.</summary>
    public Task<Proto.Account> AttachTestClockAsync(Proto.AttachTestClockRequest request, ServerCallContext context) =>
        ChangeAsync(context, request, (grain, actor) => grain.AttachTestClockAsync(actor, new AttachTestClock(request.TestClockId)));

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
