namespace Subscriptions.Grpc.Api.Documents;

/// <summary>
/// Invoice documents (configuration section "Documents", INV-8): the seller named on every invoice, the payment
/// instructions printed on it, and the fonts the PDF embeds (DejaVu Sans, Debian package fonts-dejavu-core).
/// </summary>
public sealed class DocumentOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Documents";

    /// <summary>Where the TrueType fonts are.</summary>
    public string FontDirectory { get; set; } = "/usr/share/fonts/truetype/dejavu";

    /// <summary>The regular font file in <see cref="FontDirectory"/>.</summary>
    public string RegularFont { get; set; } = "DejaVuSans.ttf";

    /// <summary>The bold font file in <see cref="FontDirectory"/>.</summary>
    public string BoldFont { get; set; } = "DejaVuSans-Bold.ttf";

    /// <summary>The seller's legal name.</summary>
    public string SellerName { get; set; } = "Subscriptions Billing Ltd";

    /// <summary>The seller's address, one line each.</summary>
    public IList<string> SellerAddress { get; } = [];

    /// <summary>The seller's VAT number, printed when set.</summary>
    public string SellerVatId { get; set; } = "";

    /// <summary>The seller's billing e-mail, printed when set.</summary>
    public string SellerEmail { get; set; } = "";

    /// <summary>How to pay, printed above the invoice number as payment reference.</summary>
    public string PaymentInstructions { get; set; } =
        "Pay online with a card or a saved payment method, or by bank transfer quoting the invoice number as reference.";
}
