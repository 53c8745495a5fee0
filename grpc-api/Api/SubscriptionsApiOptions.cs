namespace Subscriptions.Grpc.Api;

/// <summary>Settings of the API (configuration section "Api").</summary>
public sealed class SubscriptionsApiOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Api";

    /// <summary>The largest page size any setting or request may name (<c>page_size</c> is refused above it at the edge).</summary>
    public const int LargestPageSize = 1000;

    /// <summary>Invoices per page when a list request asks for 0.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>The most invoices one list request may ask for.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Throws naming the bad setting.</summary>
    public void Validate()
    {
        if (MaxPageSize is < 1 or > LargestPageSize || DefaultPageSize < 1 || DefaultPageSize > MaxPageSize)
        {
            throw new InvalidOperationException(
                $"Configuration \"{SectionName}\": DefaultPageSize ({DefaultPageSize}) must be 1 to MaxPageSize ({MaxPageSize}), and MaxPageSize 1 to {LargestPageSize}.");
        }
    }
}
