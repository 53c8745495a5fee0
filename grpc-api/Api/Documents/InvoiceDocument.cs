using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grpc.Api.Documents;

/// <summary>
/// An invoice as a PDF document (INV-8), made with PDFsharp: seller and buyer, issue and due dates in the account's time
/// zone, the lines with their periods, the tax lines (reverse charge marked), totals, amount paid and credited, the
/// balance, the payment instructions, and optionally the informational total in a local currency (INV-9). Amounts are
/// printed in the invoice currency's format (<see cref="MoneyDisplay"/>).
/// </summary>
public sealed class InvoiceDocument(DocumentOptions options)
{
    private const double Left = 50;
    private const double Right = 545;
    private const double Bottom = 790;
    private static readonly Lock FontGate = new();

    /// <summary>The informational local amount (INV-9): the currency and the rate in units of it per unit of the invoice currency.</summary>
    public sealed record LocalCurrency(Currency Currency, decimal Rate);

    /// <summary>Renders <paramref name="invoice"/> of <paramref name="buyer"/> as PDF bytes.</summary>
    public byte[] Render(Invoice invoice, Account buyer, LocalCurrency? local = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(buyer);
        EnsureFonts();
        var zone = buyer.ResolveTimeZone();
        using var document = new PdfDocument();
        document.Info.Title = $"Invoice {invoice.Number}";
        document.Info.Author = options.SellerName;
        var page = new Page(document);

        page.Text(options.SellerName, Left, 16, bold: true);
        page.TextRight("INVOICE", Right, 20, bold: true);
        page.Down(26);
        var top = page.Y;
        foreach (var line in options.SellerAddress.Append(options.SellerVatId.Length > 0 ? $"VAT {options.SellerVatId}" : null).Append(options.SellerEmail.Length > 0 ? options.SellerEmail : null))
        {
            if (line is not null)
            {
                page.Text(line, Left, 9);
                page.Down(13);
            }
        }

        var afterSeller = page.Y;
        page.Y = top;
        foreach (var (label, value) in new[]
        {
            ("Invoice number", invoice.Number),
            ("Issue date", Date(invoice.IssuedAt, zone)),
            ("Due date", Date(invoice.DueAt, zone)),
            ("Status", invoice.Status.ToWireName()),
        })
        {
            page.TextRight($"{label}: {value}", Right, 9);
            page.Down(13);
        }

        page.Y = Math.Max(page.Y, afterSeller) + 14;
        page.Text("Bill to", Left, 10, bold: true);
        page.Down(14);
        var address = buyer.BillingAddress;
        foreach (var line in new[]
        {
            buyer.CompanyName,
            $"{buyer.PrimaryContact.Name} <{buyer.PrimaryContact.Email}>",
            address.Line1,
            address.Line2,
            $"{address.PostalCode} {address.City}{(string.IsNullOrEmpty(address.Region) ? "" : $", {address.Region}")}",
            address.Country,
            buyer.VatId is { Length: > 0 } vat ? $"VAT {vat}" : null,
        })
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                page.Text(line, Left, 9);
                page.Down(13);
            }
        }

        page.Down(14);
        page.Text("Description", Left, 9, bold: true);
        page.TextRight("Qty", 370, 9, bold: true);
        page.TextRight("Unit price", 460, 9, bold: true);
        page.TextRight("Amount", Right, 9, bold: true);
        page.Down(4);
        page.Rule();
        page.Down(12);
        foreach (var line in invoice.Lines.Where(l => l.Kind != InvoiceLineKind.Tax))
        {
            // The period under the description, with its last day included (periods end at the next one's start).
            var wrapped = page.Wrap(line.Description, 270, 9);
            if (line.Period is { } period)
            {
                wrapped.Add($"Period {Date(period.Start, zone)} – {Date(period.End.AddTicks(-1), zone)}");
            }

            page.Ensure(13 * wrapped.Count);
            page.TextRight(line.Quantity.ToString("0.##", CultureInfo.InvariantCulture), 370, 9);
            page.TextRight(MoneyDisplay.Format(line.UnitPrice), 460, 9);
            page.TextRight(MoneyDisplay.Format(line.Amount), Right, 9);
            foreach (var part in wrapped)
            {
                page.Text(part, Left, 9);
                page.Down(13);
            }
        }

        page.Rule();
        page.Down(14);
        page.Total("Subtotal", invoice.Subtotal);
        foreach (var tax in invoice.Lines.Where(l => l.Kind == InvoiceLineKind.Tax))
        {
            page.Total(tax.Description, tax.Amount);
        }

        if (invoice.ReverseCharge)
        {
            page.Ensure(13);
            page.Text("Reverse charge: VAT to be accounted for by the recipient.", Left, 9, bold: true);
            page.Down(13);
        }

        page.Total("Total", invoice.Total, bold: true);
        if (invoice.AccountCreditApplied is { IsZero: false } accountCredit)
        {
            page.Total("Account credit applied", accountCredit);
        }

        page.Total("Amount paid", invoice.AmountPaid);
        if (!invoice.AmountCredited.IsZero)
        {
            page.Total("Amount credited", invoice.AmountCredited);
        }

        page.Total("Balance due", invoice.Balance, bold: true);
        page.Down(6);
        page.Text($"Amounts in {invoice.Currency.Code}.", Left, 8);
        page.Down(12);
        if (local is not null)
        {
            var shown = MoneyDisplay.Local(invoice.Total, local.Currency, local.Rate);
            page.Text(
                $"For information only: total {MoneyDisplay.Format(shown)} at 1 {invoice.Currency.Code} = {local.Rate.ToString(CultureInfo.InvariantCulture)} {local.Currency.Code}.",
                Left, 8);
            page.Down(12);
        }

        page.Down(10);
        page.Text("Payment", Left, 10, bold: true);
        page.Down(14);
        foreach (var part in page.Wrap(options.PaymentInstructions, Right - Left, 9).Append($"Reference: {invoice.Number}. Due by {Date(invoice.DueAt, zone)}."))
        {
            page.Ensure(13);
            page.Text(part, Left, 9);
            page.Down(13);
        }

        page.Finish();
        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }

    private static string Date(DateTimeOffset instant, TimeZoneInfo zone) =>
        AccountTimeZone.LocalDate(instant, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>PDFsharp reads fonts through one process-wide resolver: install ours once, from the configured files.</summary>
    private void EnsureFonts()
    {
        lock (FontGate)
        {
            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = new FileFontResolver(
                    Path.Combine(options.FontDirectory, options.RegularFont), Path.Combine(options.FontDirectory, options.BoldFont));
            }
        }
    }

    /// <summary>One family, "Invoice", regular and bold, read from TrueType files (a missing file is a clear error naming it).</summary>
    private sealed class FileFontResolver(string regular, string bold) : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(isBold ? "invoice-bold" : "invoice-regular");

        public byte[]? GetFont(string faceName)
        {
            var path = faceName == "invoice-bold" ? bold : regular;
            return File.Exists(path)
                ? File.ReadAllBytes(path)
                : throw new InvalidOperationException($"Invoice documents need the font {path} (Debian package fonts-dejavu-core, or Documents:FontDirectory).");
        }
    }

    /// <summary>A cursor over the document's pages: text at a position, right-aligned amounts, rules and page breaks.</summary>
    private sealed class Page
    {
        private readonly PdfDocument _document;
        private XGraphics _graphics;

        public Page(PdfDocument document)
        {
            _document = document;
            _graphics = XGraphics.FromPdfPage(document.AddPage());
            Y = 50;
        }

        public double Y { get; set; }

        public void Down(double points) => Y += points;

        public void Text(string text, double x, double size, bool bold = false) =>
            _graphics.DrawString(text, Font(size, bold), XBrushes.Black, x, Y);

        public void TextRight(string text, double right, double size, bool bold = false)
        {
            var font = Font(size, bold);
            _graphics.DrawString(text, font, XBrushes.Black, right - _graphics.MeasureString(text, font).Width, Y);
        }

        public void Rule() => _graphics.DrawLine(XPens.Gray, Left, Y, Right, Y);

        public void Total(string label, Money amount, bool bold = false)
        {
            Ensure(13);
            TextRight(label, 460, 9, bold);
            TextRight(MoneyDisplay.Format(amount), Right, 9, bold);
            Down(13);
        }

        /// <summary>Starts a new page when <paramref name="height"/> more points do not fit on this one.</summary>
        public void Ensure(double height)
        {
            if (Y + height > Bottom)
            {
                _graphics.Dispose();
                _graphics = XGraphics.FromPdfPage(_document.AddPage());
                Y = 50;
            }
        }

        /// <summary>Splits <paramref name="text"/> into lines at most <paramref name="width"/> points wide, at spaces.</summary>
        public List<string> Wrap(string text, double width, double size)
        {
            var font = Font(size, bold: false);
            var lines = new List<string>();
            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (current.Length > 0 && _graphics.MeasureString(candidate, font).Width > width)
                {
                    lines.Add(current);
                    current = word;
                }
                else
                {
                    current = candidate;
                }
            }

            lines.Add(current);
            return lines;
        }

        public void Finish() => _graphics.Dispose();

        private static XFont Font(double size, bool bold) => new("Invoice", size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
    }
}
