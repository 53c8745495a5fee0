using Orleans;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Grains;

// The domain's refusals cross grain calls with their rule id, violations and kind intact: the domain stays free of
// Orleans, and these surrogates give Orleans a serializer for each refusal type.

/// <summary>Wire form of <see cref="ValidationException"/>.</summary>
[GenerateSerializer, Alias("subscriptions.ValidationException")]
public readonly record struct ValidationExceptionSurrogate([property: Id(0)] IReadOnlyList<FieldViolationSurrogate> Violations);

/// <summary>Wire form of one <see cref="FieldViolation"/>.</summary>
[GenerateSerializer, Alias("subscriptions.FieldViolation")]
public readonly record struct FieldViolationSurrogate([property: Id(0)] string Field, [property: Id(1)] string Description);

/// <summary>Wire form of <see cref="RuleViolationException"/>.</summary>
[GenerateSerializer, Alias("subscriptions.RuleViolationException")]
public readonly record struct RuleViolationExceptionSurrogate([property: Id(0)] string RuleId, [property: Id(1)] string Reason);

/// <summary>Wire form of <see cref="NotFoundException"/>.</summary>
[GenerateSerializer, Alias("subscriptions.NotFoundException")]
public readonly record struct NotFoundExceptionSurrogate([property: Id(0)] string Kind, [property: Id(1)] string Id);

/// <summary>Wire form of <see cref="PermissionDeniedException"/>.</summary>
[GenerateSerializer, Alias("subscriptions.PermissionDeniedException")]
public readonly record struct PermissionDeniedExceptionSurrogate([property: Id(0)] string RuleId, [property: Id(1)] string Message);

/// <summary>Converts <see cref="ValidationException"/> for the wire.</summary>
[RegisterConverter]
public sealed class ValidationExceptionConverter : IConverter<ValidationException, ValidationExceptionSurrogate>
{
    /// <inheritdoc />
    public ValidationException ConvertFromSurrogate(in ValidationExceptionSurrogate surrogate) =>
        new([.. surrogate.Violations.Select(v => new FieldViolation(v.Field, v.Description))]);

    /// <inheritdoc />
    public ValidationExceptionSurrogate ConvertToSurrogate(in ValidationException value) =>
        new([.. value.Violations.Select(v => new FieldViolationSurrogate(v.Field, v.Description))]);
}

/// <summary>Converts <see cref="RuleViolationException"/> for the wire.</summary>
[RegisterConverter]
public sealed class RuleViolationExceptionConverter : IConverter<RuleViolationException, RuleViolationExceptionSurrogate>
{
    /// <inheritdoc />
    public RuleViolationException ConvertFromSurrogate(in RuleViolationExceptionSurrogate surrogate) => new(surrogate.RuleId, surrogate.Reason);

    /// <inheritdoc />
    public RuleViolationExceptionSurrogate ConvertToSurrogate(in RuleViolationException value) => new(value.RuleId, value.Reason);
}

/// <summary>Converts <see cref="NotFoundException"/> for the wire.</summary>
[RegisterConverter]
public sealed class NotFoundExceptionConverter : IConverter<NotFoundException, NotFoundExceptionSurrogate>
{
    /// <inheritdoc />
    public NotFoundException ConvertFromSurrogate(in NotFoundExceptionSurrogate surrogate) => new(surrogate.Kind, surrogate.Id);

    /// <inheritdoc />
    public NotFoundExceptionSurrogate ConvertToSurrogate(in NotFoundException value) => new(value.Kind, value.Id);
}

/// <summary>Converts <see cref="PermissionDeniedException"/> for the wire.</summary>
[RegisterConverter]
public sealed class PermissionDeniedExceptionConverter : IConverter<PermissionDeniedException, PermissionDeniedExceptionSurrogate>
{
    /// <inheritdoc />
    public PermissionDeniedException ConvertFromSurrogate(in PermissionDeniedExceptionSurrogate surrogate) => new(surrogate.RuleId, surrogate.Message);

    /// <inheritdoc />
    public PermissionDeniedExceptionSurrogate ConvertToSurrogate(in PermissionDeniedException value) => new(value.RuleId, value.Reason);
}
