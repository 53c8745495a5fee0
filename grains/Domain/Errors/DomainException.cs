namespace Subscriptions.Domain.Errors;

/// <summary>Base of every refusal the domain raises; the gRPC layer maps each kind to one status.</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>One invalid field of a request: the field path (e.g. "billing_address.postal_code") and why.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request itself is invalid (maps to INVALID_ARGUMENT with field violations).</summary>
public sealed class ValidationException(IReadOnlyList<FieldViolation> violations)
    : DomainException(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public ValidationException(string field, string description) : this([new FieldViolation(field, description)]) { }

    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>A lifecycle rule refuses the operation (maps to FAILED_PRECONDITION); carries the SPEC rule id, e.g. "SUB-6".</summary>
public sealed class RuleViolationException(string ruleId, string message) : DomainException($"{ruleId}: {message}")
{
    public string RuleId { get; } = ruleId;

    /// <summary>The sentence a portal can show, without the rule id prefix.</summary>
    public string Reason { get; } = message;
}

/// <summary>The addressed account, subscription, quote or invoice does not exist (maps to NOT_FOUND).</summary>
public sealed class NotFoundException(string kind, string id) : DomainException($"{kind} {Quoted.Of(id)} was not found.")
{
    public string Kind { get; } = kind;

    public string Id { get; } = id;
}

/// <summary>The caller may not perform the operation on this account (maps to PERMISSION_DENIED); carries the rule id (ACC-2).</summary>
public sealed class PermissionDeniedException(string ruleId, string message) : DomainException($"{ruleId}: {message}")
{
    public string RuleId { get; } = ruleId;

    /// <summary>The refusal without the rule id prefix.</summary>
    public string Reason { get; } = message;
}
