using Subscriptions.Domain;
namespace Subscriptions.Grains;

/// <summary>A create command addressed a grain that was already created (maps to ALREADY_EXISTS).</summary>
public sealed class AlreadyExistsException(string kind, string id)
    : Exception($"{kind} {Quoted.Of(id)} already exists; retry with the first request id to get the first result, or use another id.")
{
    /// <summary>What already exists, e.g. "Account".</summary>
    public string Kind { get; } = kind;

    /// <summary>Its id.</summary>
    public string Id { get; } = id;
}
