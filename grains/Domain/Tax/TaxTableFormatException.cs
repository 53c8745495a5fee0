namespace Subscriptions.Domain.Tax;

/// <summary>The tax table data is invalid; every problem names the jurisdiction and field at fault.</summary>
public sealed class TaxTableFormatException : Exception
{
    /// <summary>Creates the exception from the list of problems found.</summary>
    public TaxTableFormatException(IReadOnlyList<string> problems, Exception? inner = null)
        : base($"The tax table is invalid: {string.Join("; ", problems)}", inner)
    {
        Problems = problems;
    }

    /// <summary>Each problem found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
