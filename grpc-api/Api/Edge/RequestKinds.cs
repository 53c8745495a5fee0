namespace Subscriptions.Grpc.Api.V1;

/// <summary>A request addressed to one account; its account_id selects the ACC-2 policy's account.</summary>
public interface IAccountRequest
{
    /// <summary>The account the request reads or changes.</summary>
    string AccountId { get; }
}

public sealed partial class GetAccountRequest : IAccountRequest;

public sealed partial class UpdateCompanyProfileRequest : IAccountRequest;

public sealed partial class ChangeBillingAddressRequest : IAccountRequest;

public sealed partial class ChangeShippingAddressRequest : IAccountRequest;

public sealed partial class RecordVatIdRequest : IAccountRequest;

public sealed partial class RequestTaxExemptionRequest : IAccountRequest;

public sealed partial class AddCardRequest : IAccountRequest;

public sealed partial class AddBankAccountRequest : IAccountRequest;

public sealed partial class AddPayPalWalletRequest : IAccountRequest;

public sealed partial class RemovePaymentMethodRequest : IAccountRequest;

public sealed partial class SetDefaultPaymentMethodRequest : IAccountRequest;

public sealed partial class SetAutopayRequest : IAccountRequest;

public sealed partial class AddInvoiceRecipientRequest : IAccountRequest;

public sealed partial class RemoveInvoiceRecipientRequest : IAccountRequest;

public sealed partial class SetReceiptRecipientRequest : IAccountRequest;

public sealed partial class AddMemberRequest : IAccountRequest;

public sealed partial class RemoveMemberRequest : IAccountRequest;

public sealed partial class ChangeMemberRoleRequest : IAccountRequest;

public sealed partial class ChangeBillingContactRequest : IAccountRequest;

public sealed partial class AttachTestClockRequest : IAccountRequest;

public sealed partial class GetInvoiceRequest : IAccountRequest;

public sealed partial class ListInvoicesRequest : IAccountRequest;
