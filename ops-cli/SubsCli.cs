using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;
using Spectre.Console.Rendering;
using Proto = Subscriptions.Grpc.Api.V1;

using static Subscriptions.OpsCli.CliParts;

namespace Subscriptions.OpsCli;

/// <summary>
/// <c>subs</c>: what billing ops do from a terminal, over the public gRPC API. The address comes from <c>--address</c>
/// or <c>SUBS_ADDRESS</c> (default http://127.0.0.1:5080), the bearer token from <c>--token-file</c> or
/// <c>SUBS_TOKEN</c>. Tables for people by default, <c>--json</c> for scripts; the exit code says how it went.
/// </summary>
public static class SubsCli
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>A wrong command line, or no token.</summary>
    public const int UsageError = 2;

    /// <summary>The service could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>What was asked for does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>The token is missing, invalid or expired, or its roles do not allow the call.</summary>
    public const int PermissionDenied = 5;

    /// <summary>The service refused the request: a rule (FAILED_PRECONDITION) or a bad field (INVALID_ARGUMENT).</summary>
    public const int Refused = 6;

    /// <summary>The default address of the service, as scripts/run.sh serves it.</summary>
    public const string DefaultAddress = "http://127.0.0.1:5080";

    /// <summary>Runs <paramref name="args"/>; <paramref name="environment"/> reads SUBS_ADDRESS and SUBS_TOKEN (the process environment by default).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        environment ??= Environment.GetEnvironmentVariable;
        var address = new Option<string>("--address")
        {
            Description = "The service's gRPC address (or SUBS_ADDRESS)",
            Recursive = true,
            DefaultValueFactory = _ => environment("SUBS_ADDRESS") is { Length: > 0 } set ? set : DefaultAddress,
        };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "A file holding the bearer token (or SUBS_TOKEN)", Recursive = true };
        var json = new Option<bool>("--json") { Description = "JSON for scripts instead of tables", Recursive = true };
        var root = new RootCommand("subs: billing ops over the subscriptions.v1 gRPC API. Exit codes: 0 done, 2 usage or no token, 3 unreachable, 4 not found, 5 permission denied, 6 refused by a rule or a bad field.");
        root.Options.Add(address);
        root.Options.Add(tokenFile);
        root.Options.Add(json);

        var grain = new Argument<string>("grain") { Description = "type/key: account/acme-1, subscription/acme-1/meeting-1, invoice/acme-1/ACME-1-000001, quote/…, order/…, testclock/…" };
        var historyLimit = new Option<int>("--history")
        {
            Description = "How many history entries, the newest (1 to 1000, default 100)",
            DefaultValueFactory = _ => 100,
            Validators = { result => { if (result.GetValueOrDefault<int>() is < 1 or > 1000) { result.AddError("--history must be 1 to 1000"); } } },
        };
        var historyBefore = new Option<long>("--before") { Description = "Only history entries before this index (the earlier page an inspection names)" };
        var inspect = new Command("inspect", "A grain as stored: state, version, test clock, pending wake-ups and history with causes") { grain, historyLimit, historyBefore };
        var kind = new Argument<string>("kind") { Description = "subscription, invoice, quote or order" };
        var dot = new Option<bool>("--dot") { Description = "The Graphviz dot graph instead of the table" };
        var lifecycle = new Command("lifecycle", "A lifecycle table: every allowed transition with its rule, and the explained refusals") { kind, dot };
        var currency = new Option<string?>("--currency") { Description = "Prices in this currency only (USD, EUR, …)" };
        var products = new Command("products", "The product catalog: plans, seat prices, trials, online seat eligibility") { currency };
        var quotesAccount = new Argument<string>("account") { Description = "The account id" };
        var quotes = new Command("quotes", "An account's quotes, newest first") { quotesAccount };
        var ordersAccount = new Argument<string>("account") { Description = "The account id" };
        var orders = new Command("orders", "An account's service orders, newest first") { ordersAccount };
        var state = new Option<string>("--state") { Description = "dead (default), pending or delivered", DefaultValueFactory = _ => "dead" };
        var dead = new Option<bool>("--dead") { Description = "Dead letters (the default; the same as --state dead)" };
        var deliveriesAccount = new Option<string?>("--account") { Description = "Only this account's notifications" };
        var deliveries = new Command("deliveries", "Notification deliveries to the log and webhooks, dead letters by default") { state, dead, deliveriesAccount };
        var clockId = new Argument<string>("clock") { Description = "The test clock's id" };
        var target = CliParts.DateOption("--to", "Where the clock goes, e.g. 2026-08-01 or 2026-08-01T12:00:00Z (UTC unless an offset is given)", required: true);
        var advance = new Command("advance", "Moves a sandbox's test clock forward, delivering every wake-up due on the way, in order") { clockId, target };
        var clock = new Command("clock", "Test clocks of sandbox accounts") { advance };
        root.Subcommands.Add(inspect);
        root.Subcommands.Add(deliveries);
        root.Subcommands.Add(clock);
        root.Subcommands.Add(lifecycle);
        root.Subcommands.Add(products);
        root.Subcommands.Add(quotes);
        root.Subcommands.Add(orders);
        SearchCommands.Add(root, (parse, work) => Call(parse, work), output);
        WakeCommands.Add(root, (parse, work) => Call(parse, work), output);
        TokenCommand.Add(root, output, error, environment);
        WatchCommands.Add(root, deliveries, (parse, work) => Call(parse, work), output);

        Task<int> Call(ParseResult parse, Func<GrpcChannel, CallOptions, IAnsiConsole, bool, Task> work) =>
            CallAsync(parse.GetValue(address)!, parse.GetValue(tokenFile), parse.GetValue(json), environment, output, error, work);

        inspect.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var target = parse.GetValue(grain)!;
            var slash = target.IndexOf('/', StringComparison.Ordinal);
            var request = new Proto.InspectGrainRequest
            {
                GrainType = slash > 0 ? target[..slash] : target, GrainKey = slash > 0 ? target[(slash + 1)..] : "",
                HistoryLimit = parse.GetValue(historyLimit), HistoryBefore = parse.GetValue(historyBefore),
            };
            var inspection = await ops.InspectGrainAsync(request, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(inspection));
                return;
            }

            console.Write(Facts(
                ("grain", $"{inspection.GrainType}/{inspection.GrainKey}"),
                ("version", inspection.Version.ToString(CultureInfo.InvariantCulture)),
                ("test clock", inspection.ClockId.Length == 0 ? "(real clock)" : inspection.ClockId),
                ("updated", Time(inspection.UpdatedAt))));
            var wakeUps = new Table().AddColumns("wake-up", "due", "clock");
            foreach (var reminder in inspection.Reminders)
            {
                wakeUps.AddRow(Cell(reminder.Name), Cell(Time(reminder.DueAt)), Cell(reminder.ClockId));
            }

            console.Write(wakeUps);
            var history = new Table().AddColumns("at", "change", "from", "to", "cause", "request id");
            foreach (var entry in inspection.History)
            {
                history.AddRow(
                    Cell(Time(entry.At)), Cell(entry.Change), Cell(entry.From), Cell(entry.To), Cell($"{entry.Cause.Kind} {entry.Cause.Name} by {entry.Cause.Caller}"), Cell(entry.Cause.RequestId));
            }

            console.Write(history);
            if (inspection.EarlierHistoryBefore != 0)
            {
                console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"Earlier entries: subs inspect {target} --before {inspection.EarlierHistoryBefore} --history {parse.GetValue(historyLimit)}"));
            }
        }));
        lifecycle.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var description = await ops.DescribeLifecycleAsync(new Proto.DescribeLifecycleRequest { Kind = parse.GetValue(kind)! }, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(description));
                return;
            }

            if (parse.GetValue(dot))
            {
                await output.WriteAsync(description.Dot);
                return;
            }

            var table = new Table().AddColumns("state", "event", "next state", "rule");
            foreach (var row in description.Transitions)
            {
                table.AddRow(Cell(row.From), Cell(row.Event), Cell(row.To), Cell(row.Rule));
            }

            console.Write(table);
            var refusals = new Table().AddColumns("state", "event", "rule", "refused because");
            foreach (var row in description.Refusals)
            {
                refusals.AddRow(Cell(row.From), Cell(row.Event), Cell(row.Rule), Cell(row.Reason));
            }

            console.Write(refusals);
        }));
        products.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var subscriptions = new Proto.SubscriptionService.SubscriptionServiceClient(channel);
            var catalog = await subscriptions.ListProductsAsync(new Proto.ListProductsRequest { Currency = parse.GetValue(currency) ?? "" }, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(catalog));
                return;
            }

            var table = new Table().AddColumns("product", "plan", "seat price", "trial", "seats online", "most seats");
            foreach (var product in catalog.Products)
            {
                foreach (var plan in product.Plans)
                {
                    var prices = string.Join(", ", plan.SeatPrices.Select(p => $"{p.Price.Amount} {p.Price.CurrencyCode}/{Frequency(p.Frequency)}"));
                    table.AddRow(
                        Cell($"{product.ProductId} ({product.Name})"), Cell($"{plan.PlanId} ({plan.Name})"), Cell(prices),
                        Cell(product.TrialDays > 0 ? $"{product.TrialDays} days, {product.TrialPolicy}" : "none"), Cell(product.AddSeatsEligible ? "yes" : "no"),
                        Cell(product.MaxSeats.ToString(CultureInfo.InvariantCulture)));
                }
            }

            console.Write(table);
        }));
        quotes.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var quoteService = new Proto.QuoteService.QuoteServiceClient(channel);
            var page = await quoteService.ListQuotesAsync(new Proto.ListQuotesRequest { AccountId = parse.GetValue(quotesAccount)!, PageSize = 100 }, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(page));
                return;
            }

            var table = new Table().AddColumns("quote", "status", "total", "sent", "expires", "lines");
            foreach (var quote in page.Quotes)
            {
                table.AddRow(
                    Cell(quote.Number), Cell(Status(quote.Status.ToString())), Cell($"{quote.Total.Amount} {quote.Total.CurrencyCode}"), Cell(Time(quote.SentAt)), Cell(Time(quote.ExpiresAt)),
                    Cell(string.Join("; ", quote.Lines.Select(l => l.Description))));
            }

            console.Write(table);
        }));
        orders.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var quoteService = new Proto.QuoteService.QuoteServiceClient(channel);
            var page = await quoteService.ListOrdersAsync(new Proto.ListOrdersRequest { AccountId = parse.GetValue(ordersAccount)!, PageSize = 100 }, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(page));
                return;
            }

            var table = new Table().AddColumns("order", "status", "quotes", "invoice", "charge", "placed");
            foreach (var order in page.Orders)
            {
                table.AddRow(
                    Cell(order.Number), Cell(Status(order.Status.ToString())), Cell(string.Join(", ", order.QuoteNumbers)), Cell(order.InvoiceNumber),
                    Cell(order.Charge is null ? order.RefusalMessage : $"{order.Charge.Status} {order.Charge.Amount}"), Cell(Time(order.PlacedAt)));
            }

            console.Write(table);
        }));

        deliveries.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var page = await ops.ListNotificationDeliveriesAsync(
                new Proto.ListNotificationDeliveriesRequest { State = parse.GetValue(dead) ? "dead" : parse.GetValue(state)!, AccountId = parse.GetValue(deliveriesAccount) ?? "", PageSize = 100 }, call);
            if (asJson)
            {
                await output.WriteLineAsync(Json(page));
                return;
            }

            var table = new Table().AddColumns("event", "sink", "account", "kind", "state", "attempts", "last error", "next attempt");
            foreach (var delivery in page.Deliveries)
            {
                table.AddRow(
                    Cell(delivery.EventId), Cell(delivery.Sink), Cell(delivery.AccountId), Cell(delivery.Kind), Cell(delivery.State),
                    Cell(delivery.Attempts.ToString(CultureInfo.InvariantCulture)), Cell(delivery.LastError), Cell(Time(delivery.NextAttemptAt)));
            }

            console.Write(table);
        }));
        advance.SetAction((parse, _) => Call(parse, async (channel, call, console, asJson) =>
        {
            var to = parse.GetValue(target)!.Value;
            var clocks = new Proto.TestClockService.TestClockServiceClient(channel);
            var request = new Proto.AdvanceTestClockRequest
            {
                // One id per advance asked for; the service answers a retry of it without moving the clock twice (IDEM-1).
                RequestId = $"subs-advance-{Guid.NewGuid():N}", ClockId = parse.GetValue(clockId)!, TargetTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(to),
            };
            var advancing = clocks.AdvanceTestClockAsync(request, call.WithDeadline(DateTime.UtcNow.AddMinutes(10))).ResponseAsync;
            if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
            {
                // On a terminal, a spinner with the time taken while the service delivers the wake-ups on the way.
                await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Status()
                    .StartAsync($"Advancing {request.ClockId} to {to:yyyy-MM-dd HH:mm:ss}Z, delivering the wake-ups due on the way", async _ => await advancing);
            }

            var advanced = await advancing;
            if (asJson)
            {
                await output.WriteLineAsync(Json(advanced));
                return;
            }

            console.Write(Facts(
                ("clock", advanced.Clock.ClockId),
                ("from", Time(advanced.PreviousTime)),
                ("to", Time(advanced.Clock.Now)),
                ("wake-ups delivered", advanced.TicksDelivered.ToString(CultureInfo.InvariantCulture))));
        }));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"subs: {problem.Message}");
            }

            await error.WriteLineAsync("subs: see subs --help");
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static async Task<int> CallAsync(
        string address, FileInfo? tokenFile, bool json, Func<string, string?> environment, TextWriter output, TextWriter error,
        Func<GrpcChannel, CallOptions, IAnsiConsole, bool, Task> work)
    {
        string? token;
        try
        {
            token = tokenFile is not null ? (await File.ReadAllTextAsync(tokenFile.FullName)).Trim() : environment("SUBS_TOKEN")?.Trim();
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"subs: cannot read the token file {tokenFile!.FullName}: {e.Message}");
            return UsageError;
        }

        if (string.IsNullOrEmpty(token))
        {
            await error.WriteLineAsync("subs: no token: set SUBS_TOKEN or give --token-file (in development, bash scripts/subs.sh token --sub you --role ops mints one)");
            return UsageError;
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"subs: --address \"{address}\" must be an http:// or https:// address, e.g. {DefaultAddress}");
            return UsageError;
        }

        using var channel = GrpcChannel.ForAddress(uri);
        var call = new CallOptions(new Metadata { { "authorization", $"Bearer {token}" } }, deadline: DateTime.UtcNow.AddSeconds(30));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            // Into a file or a pipe: rows are not wrapped at a terminal's width, so each stays on one line for grep.
            console.Profile.Width = 240;
        }

        try
        {
            await work(channel, call, console, json);
            return Ok;
        }
        catch (RpcException e)
        {
            var code = e.StatusCode switch
            {
                StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unreachable,
                StatusCode.NotFound => NotFound,
                StatusCode.PermissionDenied or StatusCode.Unauthenticated => PermissionDenied,
                StatusCode.FailedPrecondition or StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.ResourceExhausted or StatusCode.Aborted => Refused,
                _ => 1,
            };
            var what = code == Unreachable ? $"cannot reach the service at {uri}" : e.StatusCode.ToString();
            await error.WriteLineAsync($"subs: {what}: {e.Status.Detail}");
            return code;
        }
    }

    internal static string Json(IMessage message) => new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation()).Format(message);

    private static Table Facts(params (string Name, string Value)[] facts)
    {
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        foreach (var (name, value) in facts)
        {
            table.AddRow(Cell(name), Cell(value));
        }

        return table;
    }

    private static string Frequency(Proto.BillingFrequency frequency) => frequency == Proto.BillingFrequency.Annual ? "year" : "month";

    private static string Status(string name) => name.ToLowerInvariant();
}
