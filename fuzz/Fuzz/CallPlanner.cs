using Google.Protobuf;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.Fuzz;

/// <summary>One call of the run, fully decided before it is sent.</summary>
/// <param name="Index">Its number in the run; the same seed and number give the same call.</param>
/// <param name="Kind">"typed", "mutated", "malformed" or "frame".</param>
/// <param name="Caller">Which token it carries (see <see cref="Finding.Caller"/>).</param>
/// <param name="Body">The serialized request (for a frame, the whole HTTP/2 body).</param>
/// <param name="Description">What was sent, in one short line.</param>
/// <param name="Shape">What kind of request it was, for grouping: "seats changed", "invalid UTF-8 in a string"…</param>
/// <param name="Strings">The strings the request carries, for the echo check.</param>
/// <param name="Frame">The frame case, for calls sent without a gRPC client.</param>
public sealed record PlannedCall(
    long Index, ApiMethod Method, string Kind, string Caller, string? Token, byte[] Body, string Description, string Shape, IReadOnlyList<string> Strings, FrameCase? Frame);

/// <summary>The bearer tokens calls carry: mostly ops, some with the setup accounts' roles, a few with none or a bad one.</summary>
public sealed class Callers
{
    private readonly string _ops;
    private readonly string _customer;
    private readonly string _badSignature;
    private readonly Dictionary<string, (string Holder, string Viewer, string User)> _accounts = new(StringComparer.Ordinal);

    /// <param name="mint">Mints a token for a subject with role claims ("ops", "primary-holder:acme-1").</param>
    public Callers(FuzzWorld world, Func<string, IReadOnlyList<string>, string> mint)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(mint);
        _ops = mint(world.OpsSubject, [RoleClaims.Ops]);
        _customer = mint(world.CustomerSubject, []);
        // A signature character changed: well-formed, wrongly signed.
        _badSignature = _ops[..^2] + (_ops[^2] == 'A' ? 'B' : 'A') + _ops[^1];
        foreach (var account in world.Accounts)
        {
            _accounts[account.AccountId] = (
                mint(account.Holder, [$"{RoleClaims.PrimaryHolder}:{account.AccountId}"]),
                mint(account.Viewer, [$"{RoleClaims.BillingViewer}:{account.AccountId}"]),
                mint(account.User, [$"{RoleClaims.User}:{account.AccountId}"]));
        }
    }

    /// <summary>The ops token.</summary>
    public string Ops => _ops;

    /// <summary>A caller for a fuzzed request.</summary>
    public (string Caller, string? Token) Pick(Random rng, SetupAccount account)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(account);
        var roles = _accounts[account.AccountId];
        return rng.Next(100) switch
        {
            < 72 => ("ops", _ops),
            < 80 => ("holder", roles.Holder),
            < 85 => ("viewer", roles.Viewer),
            < 89 => ("user", roles.User),
            < 93 => ("customer", _customer),
            < 96 => ("none", null),
            < 98 => ("garbage", "not-a-jwt"),
            _ => ("bad-signature", _badSignature),
        };
    }

    /// <summary>A caller for a mutated template: ops, or the account's primary holder.</summary>
    public (string Caller, string? Token) PickForTemplate(Random rng, SetupAccount account)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(account);
        return rng.Next(100) < 80 ? ("ops", _ops) : ("holder", _accounts[account.AccountId].Holder);
    }
}

/// <summary>
/// Decides call number <c>n</c> of a run from the seed alone (its own <see cref="Random"/> seeded from the run's seed and
/// <c>n</c>), so calls made in parallel, or one call made again with <c>--replay</c>, are the same calls.
/// </summary>
public sealed class CallPlanner
{
    private readonly int _seed;
    private readonly FuzzWorld _world;
    private readonly Callers _callers;
    private readonly Messages _messages;
    private readonly IReadOnlyList<ApiMethod> _methods;
    private readonly IReadOnlyList<(Template Template, ApiMethod Method)> _templates;
    private readonly Dictionary<string, List<Template>> _templatesByMethod = new(StringComparer.Ordinal);

    public CallPlanner(int seed, FuzzWorld world, Callers callers, IReadOnlyList<ApiMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(methods);
        _seed = seed;
        _world = world;
        _callers = callers;
        _messages = new Messages(new FuzzValues(world));
        _methods = methods;
        var byName = methods.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _templates =
        [
            .. Templates.All.Select(t => (t, byName.TryGetValue(t.Method, out var m)
                ? m
                : throw new InvalidOperationException($"The template for {t.Method} names no method of the API; update fuzz/Fuzz/Templates.cs."))),
        ];
        foreach (var template in Templates.All)
        {
            if (!_templatesByMethod.TryGetValue(template.Method, out var list))
            {
                _templatesByMethod[template.Method] = list = [];
            }

            list.Add(template);
        }
    }

    /// <summary>Call number <paramref name="index"/>: 35% well-typed random requests, 42% mutated templates, 16% malformed bodies, 7% bad frames.</summary>
    public PlannedCall Plan(long index)
    {
        var rng = new Random(CallSeed(_seed, index));
        var account = FuzzValues.Pick(_world.Accounts, rng);
        var roll = rng.Next(100);
        if (roll < 35)
        {
            var method = FuzzValues.Pick(_methods, rng);
            var message = _messages.RandomMessage(method.Input, rng, index);
            var (caller, token) = _callers.Pick(rng, account);
            return new(index, method, "typed", caller, token, Serialize(message), Messages.Describe(message), "random request", [.. Messages.Strings(message)], null);
        }

        if (roll < 77)
        {
            var (template, method) = FuzzValues.Pick(_templates, rng);
            var valid = template.Build(_world, account, index);
            var mutated = _messages.Mutate(valid, rng, index, out var changes, out var fields);
            var (caller, token) = _callers.PickForTemplate(rng, account);
            return new(index, method, "mutated", caller, token, Serialize(mutated), $"valid request on {account.AccountId} with {changes}", $"{fields} changed", [.. Messages.Strings(mutated)], null);
        }

        {
            var method = FuzzValues.Pick(_methods, rng);
            var template = _templatesByMethod.TryGetValue(method.Name, out var templates) && rng.Next(2) == 0 ? FuzzValues.Pick(templates, rng) : null;
            var message = template?.Build(_world, account, index) ?? _messages.RandomMessage(method.Input, rng, index);
            var valid = Serialize(message);
            var (caller, token) = _callers.Pick(rng, account);
            var basis = template is null ? "a random request" : "a valid request";
            if (roll < 93)
            {
                var (body, what, shape) = Malformed.Corrupt(valid, method.Input, rng);
                return new(index, method, "malformed", caller, token, body, $"{what}, from {basis}", shape, [.. Messages.Strings(message)], null);
            }

            var frame = Frames.Make(valid, rng);
            return new(index, method, "frame", caller, token, frame.Body, $"{frame.Description}, around {basis}", frame.Description, [.. Messages.Strings(message)], frame);
        }
    }

    /// <summary>A message's bytes; a string the encoder refuses (a lone surrogate) is sent as U+FFFD.</summary>
    public static byte[] Serialize(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ToByteArray();
    }

    /// <summary>A well-mixed seed for call <paramref name="index"/> of a run (SplitMix64), the same on every platform and process.</summary>
    public static int CallSeed(int seed, long index)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32) ^ (ulong)index;
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFF_FFFF);
        }
    }
}
