using Subscriptions.Storage.Grains;

namespace Subscriptions.Silo;

/// <summary>Prints a rebuild's progress: one line per grain type, rewritten in place on a terminal, at most every 10% otherwise.</summary>
internal sealed class RebuildProgressPrinter(TextWriter output) : IProgress<RebuildProgress>
{
    private readonly bool _terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private string? _type;
    private long _lastTenth = -1;
    private RebuildProgress? _last;

    /// <inheritdoc />
    public void Report(RebuildProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_type != value.GrainType)
        {
            Finish();
            _type = value.GrainType;
            _lastTenth = -1;
        }

        _last = value;
        var tenth = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
        if (_terminal)
        {
            output.Write($"\r{Line(value)}");
        }
        else if (tenth != _lastTenth)
        {
            output.WriteLine(Line(value));
        }

        _lastTenth = tenth;
    }

    /// <summary>Ends the current type's line.</summary>
    public void Finish()
    {
        if (_terminal && _last is not null)
        {
            output.WriteLine();
        }

        _last = null;
    }

    private static string Line(RebuildProgress value) =>
        $"{value.GrainType,-13} {value.Done,10:N0} / {value.Total:N0} records ({(value.Total == 0 ? 100 : value.Done * 100 / value.Total),3}%)";
}
