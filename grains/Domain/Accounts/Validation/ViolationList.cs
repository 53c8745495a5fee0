using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Collects every invalid field of one request so the caller sees them all at once.</summary>
internal sealed class ViolationList
{
    private readonly List<FieldViolation> _violations = [];

    /// <summary>Records a violation when <paramref name="problem"/> is not null.</summary>
    public void Check(string field, string? problem)
    {
        if (problem is not null)
        {
            _violations.Add(new FieldViolation(field, problem));
        }
    }

    /// <summary>Throws a <see cref="ValidationException"/> listing every recorded violation, if any.</summary>
    public void ThrowIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new ValidationException([.. _violations]);
        }
    }
}
