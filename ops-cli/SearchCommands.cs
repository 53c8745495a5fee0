using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;
using Proto = Subscriptions.Grpc.Api.V1;

using static Subscriptions.OpsCli.CliParts;

namespace Subscriptions.OpsCli;

/// <summary>Runs one command's work on a channel with the caller's token: (channel, call options, console, --json).</summary>
internal delegate Task<int> CallRunner(ParseResult parse, Func<GrpcChannel, CallOptions, IAnsiConsole, bool, Task> work);

/// <summary>
/// The search commands over the ops projection: <c>find subscriptions|invoices|quotes|orders</c>, <c>invoices</c> (overdue
/// ones by age), <c>reminders</c> (wake-ups by grain or due window) and <c>audit</c> (the ops read trail). Each follows the
/// service's page tokens up to <c>--limit</c> rows.
/// </summary>
internal static partial class SearchCommands
{
    /// <summary>The most rows a command fetches unless told otherwise.</summary>
    private const int DefaultLimit = 50;

    /// <summary>The most rows a command fetches at all.</summary>
    private const int MaxLimit = 10_000;

    /// <summary>Adds the search commands to <paramref name="root"/>.</summary>
    public static void Add(RootCommand root, CallRunner call, TextWriter output)
    {
        var find = new Command("find", "Searches grains by state and fields (the ops projection); pages are followed up to --limit rows");
        find.Subcommands.Add(FindSubscriptions(call, output));
        find.Subcommands.Add(FindInvoices("invoices", "Invoices by status, account, due date and balance", call, output));
        find.Subcommands.Add(FindQuotes(call, output));
        find.Subcommands.Add(FindOrders(call, output));
        root.Subcommands.Add(find);
        root.Subcommands.Add(FindInvoices("invoices", "Invoices by status, due date and balance; --overdue --older-than 10d finds those overdue by more than 10 days", call, output));
        root.Subcommands.Add(Reminders(call, output));
        root.Subcommands.Add(Audit(call, output));
    }

    private static Command FindSubscriptions(CallRunner call, TextWriter output)
    {
        var states = States("trial, free, active, pending-cancellation, limited, suspended, cancelled or expired");
        var account = Account();
        var product = new Option<string?>("--product") { Description = "Only this product" };
        var plan = new Option<string?>("--plan") { Description = "Only this plan" };
        var renews = Duration("--renews-within", "Renewing (current period ending) within this time from --at, e.g. 7d");
        var graceEnds = Duration("--grace-ends-within", "Limited, with the grace period ending within this time from --at, e.g. 3d");
        var at = At();
        var limit = Limit();
        var command = new Command("subscriptions", "Subscriptions by state, account, product, plan, renewal and grace window") { states, account, product, plan, renews, graceEnds, at, limit };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var now = parse.GetValue(at) ?? DateTimeOffset.UtcNow;
            var request = new Proto.SearchSubscriptionsRequest
            {
                AccountId = parse.GetValue(account) ?? "",
                ProductId = parse.GetValue(product) ?? "",
                PlanId = parse.GetValue(plan) ?? "",
                Renews = Within(now, parse.GetValue(renews)),
                GraceEnds = Within(now, parse.GetValue(graceEnds)),
            };
            request.States.AddRange(parse.GetValue(states) ?? []);
            var rows = await PagesAsync<Proto.SubscriptionSummary>(
                parse.GetValue(limit),
                async (token, size) => { request.PageToken = token; request.PageSize = size; var page = await ops.SearchSubscriptionsAsync(request, options); return ((IEnumerable<Proto.SubscriptionSummary>)page.Subscriptions, page.NextPageToken); });
            if (json)
            {
                await WriteJsonAsync(output, rows.Items, rows.More, (response, items) => response.Subscriptions.AddRange(items), new Proto.SearchSubscriptionsResponse());
                return;
            }

            var table = new Table().AddColumns("account", "subscription", "product", "plan", "state", "seats", "period ends", "grace ends", "next wake-up");
            foreach (var s in rows.Items)
            {
                table.AddRow(
                    Cell(s.AccountId), Cell(s.SubscriptionId), Cell(s.ProductId), Cell(s.PlanId), Cell(s.State), Cell(s.Seats.ToString(CultureInfo.InvariantCulture)),
                    Cell(Time(s.CurrentPeriodEnd)), Cell(Time(s.GracePeriodEnd)), Cell(WakeUp(s.NextWakeUp, s.NextWakeUpAt)));
            }

            Finish(console, table, rows.Items.Count, rows.More);
        }));
        return command;
    }

    private static Command FindInvoices(string name, string description, CallRunner call, TextWriter output)
    {
        var statuses = new Option<string[]>("--status") { Description = "open, paid, overdue, disputed or void (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var overdue = new Option<bool>("--overdue") { Description = "Overdue invoices (the same as --status overdue)" };
        var olderThan = Duration("--older-than", "Due more than this long before --at, e.g. 10d (with --overdue: overdue by more than that)");
        var account = Account();
        var minBalance = new Option<string?>("--min-balance") { Description = "At least this balance left to pay, e.g. 100.00" };
        var currency = new Option<string?>("--currency") { Description = "Only invoices in this currency (USD, EUR, …)" };
        var at = At();
        var limit = Limit();
        var command = new Command(name, description) { statuses, overdue, olderThan, account, minBalance, currency, at, limit };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var now = parse.GetValue(at) ?? DateTimeOffset.UtcNow;
            var request = new Proto.SearchInvoicesRequest
            {
                AccountId = parse.GetValue(account) ?? "",
                MinBalance = parse.GetValue(minBalance) ?? "",
                CurrencyCode = parse.GetValue(currency) ?? "",
                Due = parse.GetValue(olderThan) is { } age ? new Proto.TimeWindow { Before = Timestamp.FromDateTimeOffset(now - age) } : null,
            };
            request.Statuses.AddRange((parse.GetValue(statuses) ?? []).Concat(parse.GetValue(overdue) ? ["overdue"] : []).Distinct(StringComparer.Ordinal));
            var rows = await PagesAsync<Proto.InvoiceSummary>(
                parse.GetValue(limit),
                async (token, size) => { request.PageToken = token; request.PageSize = size; var page = await ops.SearchInvoicesAsync(request, options); return ((IEnumerable<Proto.InvoiceSummary>)page.Invoices, page.NextPageToken); });
            if (json)
            {
                await WriteJsonAsync(output, rows.Items, rows.More, (response, items) => response.Invoices.AddRange(items), new Proto.SearchInvoicesResponse());
                return;
            }

            var table = new Table().AddColumns("account", "invoice", "status", "total", "balance", "issued", "due", "days past due");
            foreach (var i in rows.Items)
            {
                var late = i.DueAt is { } due && due.ToDateTimeOffset() < now && i.Status is "overdue" or "open" or "disputed"
                    ? ((int)(now - due.ToDateTimeOffset()).TotalDays).ToString(CultureInfo.InvariantCulture)
                    : "";
                table.AddRow(
                    Cell(i.AccountId), Cell(i.Number), Cell(i.Status), Cell(Amount(i.Total)), Cell(Amount(i.Balance)), Cell(Time(i.IssuedAt)), Cell(Time(i.DueAt)), Cell(late));
            }

            Finish(console, table, rows.Items.Count, rows.More);
        }));
        return command;
    }

    private static Command FindQuotes(CallRunner call, TextWriter output)
    {
        var states = States("draft, sent, accepted, rejected, expired or superseded");
        var account = Account();
        var expires = Duration("--expires-within", "Sent quotes expiring within this time from --at, e.g. 2d");
        var at = At();
        var limit = Limit();
        var command = new Command("quotes", "Quotes by state, account and expiry") { states, account, expires, at, limit };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var request = new Proto.SearchQuotesRequest { AccountId = parse.GetValue(account) ?? "", Expires = Within(parse.GetValue(at) ?? DateTimeOffset.UtcNow, parse.GetValue(expires)) };
            request.States.AddRange(parse.GetValue(states) ?? []);
            var rows = await PagesAsync<Proto.QuoteSummary>(
                parse.GetValue(limit),
                async (token, size) => { request.PageToken = token; request.PageSize = size; var page = await ops.SearchQuotesAsync(request, options); return ((IEnumerable<Proto.QuoteSummary>)page.Quotes, page.NextPageToken); });
            if (json)
            {
                await WriteJsonAsync(output, rows.Items, rows.More, (response, items) => response.Quotes.AddRange(items), new Proto.SearchQuotesResponse());
                return;
            }

            var table = new Table().AddColumns("account", "quote", "state", "total", "sent", "expires");
            foreach (var q in rows.Items)
            {
                table.AddRow(Cell(q.AccountId), Cell(q.Number), Cell(q.State), Cell(Amount(q.Total)), Cell(Time(q.SentAt)), Cell(Time(q.ExpiresAt)));
            }

            Finish(console, table, rows.Items.Count, rows.More);
        }));
        return command;
    }

    private static Command FindOrders(CallRunner call, TextWriter output)
    {
        var states = States("placed, fulfilled or refused");
        var account = Account();
        var limit = Limit();
        var command = new Command("orders", "Service orders by state and account") { states, account, limit };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var request = new Proto.SearchOrdersRequest { AccountId = parse.GetValue(account) ?? "" };
            request.States.AddRange(parse.GetValue(states) ?? []);
            var rows = await PagesAsync<Proto.OrderSummary>(
                parse.GetValue(limit),
                async (token, size) => { request.PageToken = token; request.PageSize = size; var page = await ops.SearchOrdersAsync(request, options); return ((IEnumerable<Proto.OrderSummary>)page.Orders, page.NextPageToken); });
            if (json)
            {
                await WriteJsonAsync(output, rows.Items, rows.More, (response, items) => response.Orders.AddRange(items), new Proto.SearchOrdersResponse());
                return;
            }

            var table = new Table().AddColumns("account", "order", "state", "placed", "next step");
            foreach (var o in rows.Items)
            {
                table.AddRow(Cell(o.AccountId), Cell(o.Number), Cell(o.State), Cell(Time(o.PlacedAt)), Cell(WakeUp(o.NextWakeUp, o.NextWakeUpAt)));
            }

            Finish(console, table, rows.Items.Count, rows.More);
        }));
        return command;
    }

    private static Command Reminders(CallRunner call, TextWriter output)
    {
        var dueWithin = Duration("--due-within", "Wake-ups due within this time from --at, e.g. 1h (overdue ones included)");
        var grain = new Option<string?>("--grain") { Description = "One grain's wake-up, as type/key (subscription/acme-1/meeting-1); or only a type (invoice)" };
        var account = Account();
        var clock = new Option<string?>("--clock") { Description = "Only the grains on this test clock" };
        var realClock = new Option<bool>("--real-clock") { Description = "Only production reminders (grains on the real clock), no sandbox grains" };
        var at = At();
        var limit = Limit();
        var command = new Command("reminders", "Wanted wake-ups (reminders and test clock events) in due order: name, due time, period, last tick and lag")
        {
            dueWithin, grain, account, clock, realClock, at, limit,
        };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var target = parse.GetValue(grain) ?? "";
            var slash = target.IndexOf('/', StringComparison.Ordinal);
            var now = parse.GetValue(at) ?? DateTimeOffset.UtcNow;
            var request = new Proto.ListWakeUpsRequest
            {
                GrainType = slash > 0 ? target[..slash] : target,
                GrainKey = slash > 0 ? target[(slash + 1)..] : "",
                Due = parse.GetValue(dueWithin) is { } within ? new Proto.TimeWindow { Before = Timestamp.FromDateTimeOffset(now + within) } : null,
                AccountId = parse.GetValue(account) ?? "",
                ClockId = parse.GetValue(clock) ?? "",
                RealClockOnly = parse.GetValue(realClock),
            };
            var rows = await PagesAsync<Proto.WakeUpSummary>(
                parse.GetValue(limit),
                async (token, size) => { request.PageToken = token; request.PageSize = size; var page = await ops.ListWakeUpsAsync(request, options); return ((IEnumerable<Proto.WakeUpSummary>)page.WakeUps, page.NextPageToken); });
            if (json)
            {
                await WriteJsonAsync(output, rows.Items, rows.More, (response, items) => response.WakeUps.AddRange(items), new Proto.ListWakeUpsResponse());
                return;
            }

            var table = new Table().AddColumns("grain", "wake-up", "due", "period", "clock", "last tick", "lag");
            foreach (var w in rows.Items)
            {
                table.AddRow(
                    Cell($"{w.GrainType}/{w.GrainKey}"), Cell(w.Name), Cell(Time(w.DueAt)), Cell(w.Period is null ? "" : Span(w.Period.ToTimeSpan())),
                    Cell(w.ClockId), Cell(Time(w.LastWokenAt)), Cell(w.Lag is null ? "" : Span(w.Lag.ToTimeSpan())));
            }

            Finish(console, table, rows.Items.Count, rows.More);
        }));
        return command;
    }

    private static Command Audit(CallRunner call, TextWriter output)
    {
        var account = Account();
        var limit = new Option<int>("--limit")
        {
            Description = "At most this many, 1 to 100",
            DefaultValueFactory = _ => 20,
            Validators = { result => { if (result.GetValueOrDefault<int>() is < 1 or > 100) { result.AddError("--limit must be 1 to 100"); } } },
        };
        var command = new Command("audit", "The ops read audit trail (docs/ops.md): who called which ops method, on which account, with what status, newest first") { account, limit };
        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var reads = await ops.ListOpsReadsAsync(new Proto.ListOpsReadsRequest { AccountId = parse.GetValue(account) ?? "", PageSize = parse.GetValue(limit) }, options);
            if (json)
            {
                await output.WriteLineAsync(SubsCli.Json(reads));
                return;
            }

            var table = new Table().AddColumns("at", "caller", "method", "account", "status", "request");
            foreach (var r in reads.Reads)
            {
                table.AddRow(Cell(Time(r.At)), Cell(r.Caller), Cell(r.Method.Split('/')[^1]), Cell(r.AccountId), Cell(r.Status), Cell(r.RequestJson));
            }

            console.Write(table);
        }));
        return command;
    }

    /// <summary>Follows page tokens until <paramref name="limit"/> rows or the last page; the page size keeps the rows to the limit.</summary>
    private static async Task<(List<T> Items, bool More)> PagesAsync<T>(int limit, Func<string, int, Task<(IEnumerable<T> Items, string Next)>> page)
    {
        var items = new List<T>();
        var token = "";
        do
        {
            var (found, next) = await page(token, Math.Min(100, limit - items.Count));
            items.AddRange(found);
            token = next;
        }
        while (token.Length > 0 && items.Count < limit);

        return (items, token.Length > 0);
    }

    /// <summary>The rows as one response message; when more match than --limit, <c>more</c> is true in a wrapping object.</summary>
    private static async Task WriteJsonAsync<TResponse, T>(TextWriter output, List<T> items, bool more, Action<TResponse, List<T>> fill, TResponse response)
        where TResponse : Google.Protobuf.IMessage
    {
        fill(response, items);
        var json = SubsCli.Json(response);
        await output.WriteLineAsync(more ? $"{{ \"more\": true, \"page\": {json} }}" : json);
    }

    private static void Finish(IAnsiConsole console, Table table, int count, bool more)
    {
        console.Write(table);
        console.WriteLine(more ? $"{count} shown; more match (raise --limit)." : $"{count} found.");
    }

    private static Option<string[]> States(string known) =>
        new("--state") { Description = $"{known} (repeat for several)", AllowMultipleArgumentsPerToken = true };

    private static Option<string?> Account() => new("--account") { Description = "Only this account" };

    private static Option<int> Limit() => new("--limit")
    {
        Description = $"At most this many rows (default {DefaultLimit}, at most {MaxLimit})",
        DefaultValueFactory = _ => DefaultLimit,
        Validators = { result => { if (result.GetValueOrDefault<int>() is < 1 or > MaxLimit) { result.AddError($"--limit must be 1 to {MaxLimit}"); } } },
    };

    private static Option<DateTimeOffset?> At() =>
        CliParts.DateOption("--at", "The time windows count from (default now, UTC); a sandbox's test clock time, e.g. 2026-08-01");

    /// <summary>A length of time: a number and a unit (30s, 15m, 1h, 10d, 2w) or a .NET time span (1.12:00:00).</summary>
    private static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (ParseDuration(text) is { } span)
            {
                return span;
            }

            result.AddError($"{name} \"{text}\" is not a length of time: a number and a unit (s, m, h, d, w), e.g. 10d or 1h, at most 3650d");
            return null;
        },
    };

    /// <summary>"10d" → 10 days; null when it is not a positive length of at most ten years.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text);
        TimeSpan span;
        if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000_000)
        {
            span = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(count),
                "m" => TimeSpan.FromMinutes(count),
                "h" => TimeSpan.FromHours(count),
                "d" => TimeSpan.FromDays(count),
                _ => TimeSpan.FromDays(7 * count),
            };
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out span))
        {
            return null;
        }

        return span > TimeSpan.Zero && span <= TimeSpan.FromDays(3650) ? span : null;
    }

    private static Proto.TimeWindow? Within(DateTimeOffset now, TimeSpan? within) =>
        within is { } span ? new Proto.TimeWindow { From = Timestamp.FromDateTimeOffset(now), Before = Timestamp.FromDateTimeOffset(now + span) } : null;

    private static string WakeUp(string name, Timestamp? at) => at is null ? "" : $"{name} {Time(at)}";

    private static string Amount(Proto.Money? money) => money is null ? "" : $"{money.Amount} {money.CurrencyCode}";

    private static string Span(TimeSpan span) =>
        span >= TimeSpan.FromDays(1) ? $"{span.TotalDays:0.#}d" : span >= TimeSpan.FromHours(1) ? $"{span.TotalHours:0.#}h" : span >= TimeSpan.FromMinutes(1) ? $"{span.TotalMinutes:0.#}m" : $"{span.TotalSeconds:0.#}s";

    [GeneratedRegex("^([0-9]{1,9})([smhdw])$")]
    private static partial Regex DurationPattern();
}
