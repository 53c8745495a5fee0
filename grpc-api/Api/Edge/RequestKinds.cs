namespace Subscriptions.Grpc.Api.V1;

/// <summary>A request addressed to one account; its account_id selects the ACC-2 policy's account.</summary>
public interface IAccountRequest
{
    /// <summary>The account the request reads or changes.</summary>
    string AccountId { get; }
}

/// <summary>A request that changes one account; its request_id makes a retry safe (IDEM-1).</summary>
public interface IAccountChangeRequest : IAccountRequest
{
    /// <summary>The client's id for this change.</summary>
    string RequestId { get; }
}

public sealed partial class CreateAccountRequest : IAccountChangeRequest;

public sealed partial class DecideTaxExemptionRequest : IAccountChangeRequest;

public sealed partial class GetAccountRequest : IAccountRequest;

public sealed partial class UpdateCompanyProfileRequest : IAccountChangeRequest;

public sealed partial class ChangeBillingAddressRequest : IAccountChangeRequest;

public sealed partial class ChangeShippingAddressRequest : IAccountChangeRequest;

public sealed partial class RecordVatIdRequest : IAccountChangeRequest;

public sealed partial class RequestTaxExemptionRequest : IAccountChangeRequest;

public sealed partial class AddCardRequest : IAccountChangeRequest;

public sealed partial class AddBankAccountRequest : IAccountChangeRequest;

public sealed partial class AddPayPalWalletRequest : IAccountChangeRequest;

public sealed partial class RemovePaymentMethodRequest : IAccountChangeRequest;

public sealed partial class SetDefaultPaymentMethodRequest : IAccountChangeRequest;

public sealed partial class SetAutopayRequest : IAccountChangeRequest;

public sealed partial class AddInvoiceRecipientRequest : IAccountChangeRequest;

public sealed partial class RemoveInvoiceRecipientRequest : IAccountChangeRequest;

public sealed partial class SetReceiptRecipientRequest : IAccountChangeRequest;

public sealed partial class AddMemberRequest : IAccountChangeRequest;

public sealed partial class RemoveMemberRequest : IAccountChangeRequest;

public sealed partial class ChangeMemberRoleRequest : IAccountChangeRequest;

public sealed partial class ChangeBillingContactRequest : IAccountChangeRequest;

public sealed partial class AttachTestClockRequest : IAccountChangeRequest;

public sealed partial class GetInvoiceRequest : IAccountRequest;

public sealed partial class ListInvoicesRequest : IAccountRequest;

public sealed partial class PayInvoiceRequest : IAccountChangeRequest;

public sealed partial class ListPaymentAttemptsRequest : IAccountRequest;

public sealed partial class SettlePaymentRequest : IAccountChangeRequest;

public sealed partial class OpenDisputeRequest : IAccountChangeRequest;

public sealed partial class ResolveDisputeRequest : IAccountChangeRequest;

public sealed partial class GetInvoiceDocumentRequest : IAccountRequest;

public sealed partial class ErasePersonalDataRequest : IAccountChangeRequest;

public sealed partial class VoidInvoiceRequest : IAccountChangeRequest;

public sealed partial class CreateQuoteRequest : IAccountChangeRequest;

public sealed partial class EditQuoteRequest : IAccountChangeRequest;

public sealed partial class SendQuoteRequest : IAccountChangeRequest;

public sealed partial class OrderSeatsRequest : IAccountChangeRequest;

public sealed partial class AcceptQuotesRequest : IAccountChangeRequest;

public sealed partial class RejectQuoteRequest : IAccountChangeRequest;

public sealed partial class GetQuoteRequest : IAccountRequest;

public sealed partial class ListQuotesRequest : IAccountRequest;

public sealed partial class GetOrderRequest : IAccountRequest;

public sealed partial class ListOrdersRequest : IAccountRequest;
