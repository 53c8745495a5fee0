using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;

namespace Subscriptions.Fuzz;

/// <summary>What a run did and found; <see cref="Report"/> prints it.</summary>
public sealed class FuzzResult
{
    /// <summary>How many findings the report prints in full.</summary>
    public const int ShownInFull = 20;

    /// <summary>How many kinds of request the report lists under one group of findings.</summary>
    private const int MaxRowsPerGroup = 20;

    private static readonly string[] Kinds = ["typed", "mutated", "malformed", "frame"];

    private readonly object _gate = new();
    private readonly Dictionary<string, long> _perMethod = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Service, string Kind), long> _perService = [];
    private readonly Dictionary<StatusCode, long> _perStatus = [];
    private readonly Dictionary<(string Case, StatusCode Status), long> _frames = [];
    private readonly List<Finding> _findings = [];
    private readonly HashSet<string> _outOfRangeSeen = new(StringComparer.Ordinal);

    internal FuzzResult(int seed, Uri address, int concurrency)
    {
        Seed = seed;
        Address = address;
        Concurrency = concurrency;
    }

    public int Seed { get; }

    public Uri Address { get; }

    public int Concurrency { get; }

    /// <summary>Calls made (the checks after the run not counted).</summary>
    public long Calls { get; private set; }

    public TimeSpan Duration { get; internal set; }

    /// <summary>What Health/Check answered after the calls.</summary>
    public HealthCheckResponse.Types.ServingStatus Health { get; internal set; }

    /// <summary>Why the run stopped before its budget, if it did.</summary>
    public string? Stopped { get; internal set; }

    /// <summary>Calls per method ("AccountService/CreateAccount").</summary>
    public IReadOnlyDictionary<string, long> CallsPerMethod
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_perMethod, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Answers per status code.</summary>
    public IReadOnlyDictionary<StatusCode, long> Statuses
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<StatusCode, long>(_perStatus);
            }
        }
    }

    /// <summary>Every finding, calls in the order of their numbers, then the checks after the run.</summary>
    public IReadOnlyList<Finding> Findings
    {
        get
        {
            lock (_gate)
            {
                return [.. _findings.OrderBy(f => f.Call < 0 ? long.MaxValue : f.Call)];
            }
        }
    }

    /// <summary>The run in a few lines: calls per service and kind, answers per status, findings grouped, the first ones in full.</summary>
    public string Report()
    {
        var findings = Findings;
        var text = new StringBuilder();
        var rate = Duration.TotalSeconds > 0 ? Calls / Duration.TotalSeconds : 0;
        text.AppendLine(CultureInfo.InvariantCulture, $"fuzz: seed {Seed}, {Calls} calls in {Duration.TotalSeconds:F1} s ({rate:F0}/s), {Concurrency} in flight, {Address}");
        if (Stopped is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"fuzz: {Stopped}");
        }

        lock (_gate)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{"calls",-22}{string.Join("", Kinds.Select(k => $"{k,10}"))}{"methods",10}");
            foreach (var service in _perService.Keys.Select(k => k.Service).Distinct().Order(StringComparer.Ordinal))
            {
                var methods = _perMethod.Keys.Count(m => m.StartsWith(service + "/", StringComparison.Ordinal));
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {service,-20}{string.Join("", Kinds.Select(k => $"{_perService.GetValueOrDefault((service, k)),10}"))}{methods,10}");
            }

            text.AppendLine("status: " + string.Join(", ", _perStatus.OrderByDescending(s => s.Value).Select(s => $"{Name(s.Key)} {s.Value}")));
            if (_frames.Count > 0)
            {
                text.AppendLine("frames (what each framing case was answered):");
                foreach (var frameCase in _frames.GroupBy(f => f.Key.Case).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"  {frameCase.Key,-66}{string.Join(", ", frameCase.OrderByDescending(f => f.Value).Select(f => $"{Name(f.Key.Status)} {f.Value}"))}");
                }
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"health after the run: {Health}");
        if (findings.Count == 0)
        {
            text.AppendLine("findings: none");
            return text.ToString();
        }

        var groups = findings
            .GroupBy(f => (f.Check, f.Status, Message: Shape(f.Message.Length > 0 ? f.Message : f.Detail)))
            .OrderByDescending(g => g.Count())
            .ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"findings: {findings.Count}, in {groups.Count} groups by check, status and message; under each, the kinds of request:");
        foreach (var group in groups)
        {
            var example = group.First();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{group.Count(),7} × [{group.Key.Check}] {Name(group.Key.Status)} {Show(example.Message.Length > 0 ? example.Message : example.Detail, 100)}");
            var rows = group
                .GroupBy(f => (f.Kind, f.Shape))
                .OrderByDescending(r => r.Count())
                .ToList();
            foreach (var row in rows.Take(MaxRowsPerGroup))
            {
                var methods = row.Select(f => f.Method).Distinct().ToList();
                var where = methods.Count <= 3 ? string.Join(", ", methods) : $"{methods.Count} methods";
                var first = row.First().Call is >= 0 and var call ? $" (first: call {call})" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"{row.Count(),15}  {row.Key.Kind,-9}  {Checks.Cut(row.Key.Shape, 48),-48}  {where}{first}");
            }

            if (rows.Count > MaxRowsPerGroup)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{rows.Skip(MaxRowsPerGroup).Sum(r => r.Count()),15}  … in {rows.Count - MaxRowsPerGroup} more kinds of request");
            }
        }

        // The first finding of each kind of request under each group, taken a row of every group at a time.
        var examples = groups
            .SelectMany(g => g.GroupBy(f => (f.Kind, f.Shape)).OrderByDescending(r => r.Count()).Select((row, rank) => (Rank: rank, Finding: row.First())))
            .OrderBy(e => e.Rank)
            .Take(ShownInFull)
            .Select(e => e.Finding)
            .ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"{examples.Count} of them in full (the first of each kind of request in each group):");
        foreach (var finding in examples)
        {
            var call = finding.Call >= 0 ? $"call {finding.Call}" : "after the run";
            text.AppendLine(CultureInfo.InvariantCulture, $"- [{finding.Check}] {finding.Method} ({call}, {finding.Kind}, caller {finding.Caller})");
            text.AppendLine(CultureInfo.InvariantCulture, $"    request: {finding.Request}");
            text.AppendLine(CultureInfo.InvariantCulture, $"    answer:  {Name(finding.Status)} {Show(finding.Message, 200)}");
            if (finding.Detail.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    seen:    {finding.Detail}");
            }

            if (finding.Call >= 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    replay:  scripts/fuzz.sh --seed {Seed} --replay {finding.Call}");
            }
        }

        return text.ToString();
    }

    /// <summary>"INVALID_ARGUMENT" for StatusCode.InvalidArgument.</summary>
    public static string Name(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.DataLoss => "DATA_LOSS",
        _ => code.ToString().ToUpperInvariant(),
    };

    internal void Record(PlannedCall call, CallOutcome outcome, IEnumerable<Finding> findings)
    {
        var found = findings.ToList();
        lock (_gate)
        {
            Calls++;
            _perMethod[call.Method.Name] = _perMethod.GetValueOrDefault(call.Method.Name) + 1;
            var key = (call.Method.Service.Name, call.Kind);
            _perService[key] = _perService.GetValueOrDefault(key) + 1;
            _perStatus[outcome.Status] = _perStatus.GetValueOrDefault(outcome.Status) + 1;
            if (call.Frame is { } frame)
            {
                _frames[(frame.Description, outcome.Status)] = _frames.GetValueOrDefault((frame.Description, outcome.Status)) + 1;
            }

            foreach (var finding in found)
            {
                Add(finding);
            }
        }
    }

    internal void AddFinding(Finding finding)
    {
        lock (_gate)
        {
            Add(finding);
        }
    }

    /// <summary>
    /// Adds a finding; an out-of-range value is reported once, by the first answer that shows it (usually the change that
    /// made it), not by every later read of the same state.
    /// </summary>
    private void Add(Finding finding)
    {
        if (finding.Check == "out-of-range value")
        {
            var fresh = finding.Detail.Split(Checks.OutOfRangeSeparator).Where(_outOfRangeSeen.Add).ToList();
            if (fresh.Count == 0)
            {
                return;
            }

            finding = finding with { Detail = string.Join(Checks.OutOfRangeSeparator, fresh) };
        }

        _findings.Add(finding);
    }

    private static string Show(string message, int max) => "\"" + Escape(Checks.Cut(message, max)) + "\"";

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c < 0x20 || char.IsSurrogate(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c.ToString());
        }

        return builder.ToString();
    }

    /// <summary>A message with its quoted values and numbers blanked, so findings that differ only in them group together.</summary>
    private static string Shape(string message)
    {
        var shape = System.Text.RegularExpressions.Regex.Replace(message, "\"[^\"]*\"", "\"…\"");
        return System.Text.RegularExpressions.Regex.Replace(shape, "[0-9]+", "N");
    }
}
