using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Subscriptions.Testing;

namespace Subscriptions.Chaos;

/// <summary>
/// The built silo (subscriptions-silo.dll next to the calling assembly: its project references the silo project)
/// running as its own process, so that a test or the chaos run can freeze it (SIGSTOP), let it go on (SIGCONT) or kill
/// it (SIGKILL). Disposing always lets a frozen silo go on and kills it.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 20000;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();

    private SiloProcess(string name, Process process, int grpcPort, int siloPort)
    {
        Name = name;
        _process = process;
        GrpcPort = grpcPort;
        SiloPort = siloPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public string Name { get; }

    public int GrpcPort { get; }

    /// <summary>The silo-to-silo port: the silo's row in orleans_membership.</summary>
    public int SiloPort { get; }

    public GrpcChannel Channel { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet subscriptions-silo.dll run</c> with <paramref name="settings"/> on free ports.</summary>
    public static SiloProcess Start(string name, IEnumerable<string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var silo = Path.Combine(AppContext.BaseDirectory, "subscriptions-silo.dll");
        if (!File.Exists(silo))
        {
            throw new InvalidOperationException($"The built silo is not at {silo}; a project that starts silos references the silo project, which puts it there.");
        }

        var grpcPort = LoopbackPorts.Next();
        var siloPort = LoopbackPorts.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])
            [
                silo, "run", "--Grpc:Address=127.0.0.1", $"--Grpc:Port={grpcPort}", "--Cluster:AdvertisedAddress=127.0.0.1",
                $"--Cluster:SiloPort={siloPort}", $"--Cluster:GatewayPort={LoopbackPorts.Next()}", .. settings,
            ])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {silo} did not start.");
        var started = new SiloProcess(name, process, grpcPort, siloPort);

        // A run stopped from outside (SIGTERM, Ctrl+C) takes its silos with it instead of leaving them running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.KillNow();
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Polls the gRPC health check until the silo answers SERVING; throws with the silo's output if it exits or <paramref name="guard"/> passes.</summary>
    public async Task WaitUntilServingAsync(TimeSpan guard)
    {
        var health = new Health.HealthClient(Channel);
        using var deadline = new CancellationTokenSource(guard);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with code {_process.ExitCode} before serving:\n{Output()}");
            }

            try
            {
                var answer = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: deadline.Token);
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException) when (!deadline.IsCancellationRequested)
            {
                // Not listening yet, or still starting.
            }
            catch (RpcException e) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Silo {Name} did not serve within {guard}:\n{Output()}", e);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    /// <summary>Freezes the process (SIGSTOP): its sockets stay open, it answers nothing.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the process (SIGKILL): the kernel closes its sockets.</summary>
    public Task KillAsync() => SignalAsync("KILL");

    /// <summary>Waits for the process to exit; false if it is still running after <paramref name="guard"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan guard)
    {
        using var deadline = new CancellationTokenSource(guard);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines the silo wrote (standard output and error).</summary>
    public string Output()
    {
        lock (_outputLock)
        {
            return string.Join('\n', _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            await SignalAsync("CONT");
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private void KillNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task SignalAsync(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add($"-{signal}");
        start.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start.");
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed: {error}");
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }
}
