using System.Globalization;
using Subscriptions.Fuzz;
using Subscriptions.Grpc.Api.Auth;

// The fuzzer's command line (docs/fuzzing.md). Exit codes: 0 no findings, 1 findings, 2 bad usage, 3 the service did
// not answer SERVING or refused the setup.
const string Usage = """
    usage: subscriptions-fuzz --address URL --signing-key BASE64 [options]

    Fuzzes every method of the subscriptions.v1 services at URL with well-typed random requests, mutations of valid
    requests, malformed protobuf bodies and bad gRPC frames; checks every answer (no INTERNAL or UNKNOWN, no message or
    detail over 1 KiB, no echo of more than 64 characters of a request string), then Health/Check and the setup
    accounts' subscriptions. Prints a summary; exits 1 when anything was found.

      --address URL          the gRPC endpoint, e.g. http://127.0.0.1:5080
      --signing-key BASE64   the service's Auth:SigningKey, to mint ops and account tokens
      --issuer NAME          Auth:Issuer (default: subscriptions)
      --audience NAME        Auth:Audience (default: subscriptions-api)
      --calls N              most calls to make (default: 10000)
      --seconds N            stop making calls after N seconds (default: no limit)
      --seed N               decides every request and id (default: a new one, printed)
      --concurrency N        calls in flight at once (default: 4)
      --call-timeout N       each call's deadline in seconds (default: 30)
      --wait N               wait up to N seconds for Health/Check to answer SERVING first (default: 60)
      --replay N             send call N of the seed's run again and print it in full, instead of a run
      --help                 this text
    """;

var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--help" or "-h")
    {
        Console.WriteLine(Usage);
        return 0;
    }

    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        await Console.Error.WriteLineAsync($"subscriptions-fuzz: unexpected argument \"{args[i]}\"\n\n{Usage}");
        return 2;
    }

    settings[args[i][2..]] = args[++i];
}

string? Setting(string name) => settings.TryGetValue(name, out var value) ? value : null;
long Number(string name, long fallback) => Setting(name) is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : fallback;

var known = new[] { "address", "signing-key", "issuer", "audience", "calls", "seconds", "seed", "concurrency", "call-timeout", "wait", "replay" };
var unknown = settings.Keys.FirstOrDefault(k => !known.Contains(k));
if (unknown is not null || Setting("address") is null || Setting("signing-key") is null)
{
    await Console.Error.WriteLineAsync($"subscriptions-fuzz: {(unknown is not null ? $"unknown option --{unknown}" : "--address and --signing-key are required")}\n\n{Usage}");
    return 2;
}

TokenIssuer issuer;
FuzzOptions options;
try
{
    issuer = new TokenIssuer(
        new TokenOptions { Issuer = Setting("issuer") ?? "subscriptions", Audience = Setting("audience") ?? "subscriptions-api", SigningKey = Setting("signing-key")! },
        TimeProvider.System);
    options = new FuzzOptions
    {
        Address = new Uri(Setting("address")!),
        MintToken = (subject, roles) => issuer.Issue(subject, roles, TimeSpan.FromDays(2)),
        Seed = (int)Number("seed", Random.Shared.Next()),
        Calls = Number("calls", 10_000),
        TimeBudget = Setting("seconds") is not null ? TimeSpan.FromSeconds(Number("seconds", 0)) : null,
        Concurrency = (int)Number("concurrency", 4),
        CallTimeout = TimeSpan.FromSeconds(Number("call-timeout", 30)),
        Progress = Console.Out,
    };
}
catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or UriFormatException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"subscriptions-fuzz: {e.Message}");
    return 2;
}

using var fuzzer = new Fuzzer(options);
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

if (!await fuzzer.WaitUntilServingAsync(TimeSpan.FromSeconds(Number("wait", 60)), interrupt.Token))
{
    await Console.Error.WriteLineAsync($"subscriptions-fuzz: {options.Address} did not answer SERVING to grpc.health.v1.Health/Check");
    return 3;
}

try
{
    if (Setting("replay") is not null)
    {
        var (call, outcome, findings) = await fuzzer.ReplayAsync(Number("replay", 0), interrupt.Token);
        Console.WriteLine($"call {call.Index} of seed {options.Seed}: {call.Method.Path} ({call.Kind}, caller {call.Caller})");
        Console.WriteLine($"  request: {call.Description}");
        Console.WriteLine($"  body:    {call.Body.Length} bytes {Convert.ToHexString(call.Body)}");
        Console.WriteLine($"  answer:  {FuzzResult.Name(outcome.Status)} \"{outcome.Message}\"");
        foreach (var detail in outcome.Details.Skip(1))
        {
            Console.WriteLine($"  detail:  \"{detail}\"");
        }

        foreach (var finding in findings)
        {
            Console.WriteLine($"  finding: [{finding.Check}]{(finding.Detail.Length > 0 ? " " + finding.Detail : "")}");
        }

        return findings.Count == 0 ? 0 : 1;
    }

    Console.WriteLine($"fuzz: seed {options.Seed}, up to {options.Calls} calls{(options.TimeBudget is { } t ? $" or {t.TotalSeconds:F0} s" : "")}, against {options.Address}");
    var result = await fuzzer.RunAsync(interrupt.Token);
    Console.Write(result.Report());
    return result.Findings.Count == 0 ? 0 : 1;
}
catch (Grpc.Core.RpcException e)
{
    await Console.Error.WriteLineAsync($"subscriptions-fuzz: the setup was refused: {e.Status.StatusCode} {e.Status.Detail}");
    return 3;
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("subscriptions-fuzz: interrupted");
    return 130;
}
