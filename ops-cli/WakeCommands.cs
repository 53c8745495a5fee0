using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.OpsCli;

/// <summary>
/// <c>subs wake fire|reschedule|cancel type/key --reason "…"</c>: billing ops' corrections of a grain's wake-up, each
/// recorded in the grain's history with the reason and the caller. Firing runs only what is already due.
/// </summary>
internal static class WakeCommands
{
    /// <summary>Adds <c>wake</c> and its subcommands to <paramref name="root"/>.</summary>
    public static void Add(RootCommand root, CallRunner call, TextWriter output)
    {
        var wake = new Command("wake", "Corrects a grain's wake-up (its reminder or test clock event), with a reason kept in its history");
        wake.Subcommands.Add(Correction("fire", "Runs the grain's due events now (only those already due: billing rules never bend)", withTime: false, call, output));
        wake.Subcommands.Add(Correction("reschedule", "Moves the wake-up to --to: a later time holds the due events until then, an earlier one wakes the grain sooner", withTime: true, call, output));
        wake.Subcommands.Add(Correction("cancel", "Drops the wake-up until the grain's state wants another one", withTime: false, call, output));
        root.Subcommands.Add(wake);
    }

    private static Command Correction(string name, string description, bool withTime, CallRunner call, TextWriter output)
    {
        var grain = new Argument<string>("grain") { Description = "type/key, e.g. subscription/acme-1/meeting-1 or invoice/acme-1/ACME-1-000001" };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the grain's history)", Required = true };
        var to = CliParts.DateOption("--to", "The new wake-up time, e.g. 2026-08-01T09:00:00Z (UTC unless an offset is given)", required: true);
        var command = new Command(name, description) { grain, reason };
        if (withTime)
        {
            command.Options.Add(to);
        }

        command.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var target = parse.GetValue(grain)!;
            var slash = target.IndexOf('/', StringComparison.Ordinal);
            var (type, key) = slash > 0 ? (target[..slash], target[(slash + 1)..]) : (target, "");
            var why = parse.GetValue(reason)!;

            // One request id per correction asked for: a retry of this call is answered without correcting twice.
            var requestId = $"subs-wake-{name}-{Guid.NewGuid():N}";
            var result = name switch
            {
                "fire" => await ops.FireWakeUpAsync(new Proto.FireWakeUpRequest { RequestId = requestId, GrainType = type, GrainKey = key, Reason = why }, options),
                "reschedule" => await ops.RescheduleWakeUpAsync(
                    new Proto.RescheduleWakeUpRequest { RequestId = requestId, GrainType = type, GrainKey = key, Reason = why, DueAt = Timestamp.FromDateTimeOffset(parse.GetValue(to)!.Value) }, options),
                _ => await ops.CancelWakeUpAsync(new Proto.CancelWakeUpRequest { RequestId = requestId, GrainType = type, GrainKey = key, Reason = why }, options),
            };
            if (json)
            {
                await output.WriteLineAsync(SubsCli.Json(result));
                return;
            }

            var table = new Table().AddColumn("").AddColumn("");
            table.HideHeaders();
            table.AddRow("grain", $"{result.GrainType}/{result.GrainKey}");
            table.AddRow("wake-up", result.Name);
            table.AddRow("next wake-up", result.DueAt is null ? "none" : CliParts.Time(result.DueAt));
            table.AddRow("wanted at", result.WantedAt is null ? "none" : CliParts.Time(result.WantedAt));
            if (name == "fire")
            {
                table.AddRow("changes made", result.EventsRun.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }));
        return command;
    }

}
