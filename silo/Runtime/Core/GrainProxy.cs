using System.Collections.Concurrent;
using System.Reflection;

namespace Subscriptions.Runtime;

/// <summary>The reference handed out by <see cref="IGrainFactory.GetGrain{TGrain}"/>: every interface call becomes a queued turn.</summary>
public class GrainProxy : DispatchProxy
{
    private GrainRuntime? runtime;
    private GrainId grain;

    internal void Bind(GrainRuntime owner, GrainId id)
    {
        runtime = owner;
        grain = id;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (runtime is null)
        {
            throw new InvalidOperationException("Grain reference is not bound to a runtime.");
        }

        return GrainMethod.For(targetMethod).Call(runtime, grain, args ?? []);
    }
}

/// <summary>How to call one grain interface method and return its typed Task.</summary>
internal sealed class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();
    private static readonly MethodInfo TypedCallDefinition = typeof(GrainMethod).GetMethod(nameof(TypedCall), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo TypedInvokeDefinition = typeof(GrainMethod).GetMethod(nameof(TypedInvoke), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<GrainRuntime, GrainId, object?[], GrainMethod, object> call;
    private readonly Func<MethodInfo, Grain, object?[], Task<object?>> invoke;
    private readonly MethodInfo method;

    private GrainMethod(MethodInfo method)
    {
        this.method = method;
        Name = method.Name;
        var parameters = method.GetParameters();
        var tokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        CancellationTokenIndex = tokenIndex >= 0 ? tokenIndex : null;
        if (method.ReturnType == typeof(Task))
        {
            ResultType = typeof(void);
            call = static (runtime, grain, args, self) => runtime.InvokeAsync(grain, self, args);
            invoke = static async (m, g, args) =>
            {
                await (Task)m.Invoke(g, BindingFlags.DoNotWrapExceptions, null, args, null)!;
                return null;
            };
        }
        else
        {
            ResultType = method.ReturnType.GetGenericArguments()[0];
            call = TypedCallDefinition.MakeGenericMethod(ResultType).CreateDelegate<Func<GrainRuntime, GrainId, object?[], GrainMethod, object>>();
            invoke = TypedInvokeDefinition.MakeGenericMethod(ResultType).CreateDelegate<Func<MethodInfo, Grain, object?[], Task<object?>>>();
        }
    }

    public string Name { get; }

    public Type ResultType { get; }

    public int? CancellationTokenIndex { get; }

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, static m => new GrainMethod(m));

    public object Call(GrainRuntime runtime, GrainId grain, object?[] args) => call(runtime, grain, args, this);

    public Task<object?> InvokeOnGrain(Grain grain, object?[] args) => invoke(method, grain, args);

    private static object TypedCall<T>(GrainRuntime runtime, GrainId grain, object?[] args, GrainMethod self) =>
        Cast<T>(runtime.InvokeAsync(grain, self, args));

    private static async Task<T> Cast<T>(Task<object?> task) => (T)(await task)!;

    private static async Task<object?> TypedInvoke<T>(MethodInfo m, Grain g, object?[] args) =>
        await (Task<T>)m.Invoke(g, BindingFlags.DoNotWrapExceptions, null, args, null)!;
}
