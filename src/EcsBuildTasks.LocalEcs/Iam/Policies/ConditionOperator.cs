using System.Globalization;
using System.Net;

namespace EcsBuildTasks.LocalEcs.Iam.Policies;

internal enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>
/// An IAM condition operator: the comparison (String…, Numeric…, Date…, Bool, Binary, IpAddress, Arn…, Null), whether it
/// is negated (…Not…), the <c>…IfExists</c> suffix and the <c>ForAnyValue:</c>/<c>ForAllValues:</c> set qualifiers.
/// </summary>
internal sealed class ConditionOperator
{
    private static readonly Dictionary<string, (Comparison Comparison, bool Negated)> Operators = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = (Comparison.StringEquals, false),
        ["StringNotEquals"] = (Comparison.StringEquals, true),
        ["StringEqualsIgnoreCase"] = (Comparison.StringEqualsIgnoreCase, false),
        ["StringNotEqualsIgnoreCase"] = (Comparison.StringEqualsIgnoreCase, true),
        ["StringLike"] = (Comparison.StringLike, false),
        ["StringNotLike"] = (Comparison.StringLike, true),
        ["NumericEquals"] = (Comparison.NumericEquals, false),
        ["NumericNotEquals"] = (Comparison.NumericEquals, true),
        ["NumericLessThan"] = (Comparison.NumericLessThan, false),
        ["NumericLessThanEquals"] = (Comparison.NumericLessThanEquals, false),
        ["NumericGreaterThan"] = (Comparison.NumericGreaterThan, false),
        ["NumericGreaterThanEquals"] = (Comparison.NumericGreaterThanEquals, false),
        ["DateEquals"] = (Comparison.DateEquals, false),
        ["DateNotEquals"] = (Comparison.DateEquals, true),
        ["DateLessThan"] = (Comparison.DateLessThan, false),
        ["DateLessThanEquals"] = (Comparison.DateLessThanEquals, false),
        ["DateGreaterThan"] = (Comparison.DateGreaterThan, false),
        ["DateGreaterThanEquals"] = (Comparison.DateGreaterThanEquals, false),
        ["Bool"] = (Comparison.Bool, false),
        ["BinaryEquals"] = (Comparison.StringEquals, false),
        ["IpAddress"] = (Comparison.IpAddress, false),
        ["NotIpAddress"] = (Comparison.IpAddress, true),
        ["ArnEquals"] = (Comparison.Arn, false),
        ["ArnLike"] = (Comparison.Arn, false),
        ["ArnNotEquals"] = (Comparison.Arn, true),
        ["ArnNotLike"] = (Comparison.Arn, true),
        ["Null"] = (Comparison.Null, false),
    };

    private ConditionOperator(string name, Comparison comparison, bool negated, bool ifExists, SetQualifier qualifier)
    {
        Name = name;
        Kind = comparison;
        Negated = negated;
        IfExists = ifExists;
        Qualifier = qualifier;
    }

    private enum Comparison
    {
        StringEquals,
        StringEqualsIgnoreCase,
        StringLike,
        NumericEquals,
        NumericLessThan,
        NumericLessThanEquals,
        NumericGreaterThan,
        NumericGreaterThanEquals,
        DateEquals,
        DateLessThan,
        DateLessThanEquals,
        DateGreaterThan,
        DateGreaterThanEquals,
        Bool,
        IpAddress,
        Arn,
        Null,
    }

    public string Name { get; }

    public bool Negated { get; }

    public bool IfExists { get; }

    public SetQualifier Qualifier { get; }

    private Comparison Kind { get; }

    /// <summary>Parses an operator name as written in a policy; null when IAM does not know it.</summary>
    public static ConditionOperator? Parse(string name)
    {
        var rest = name;
        var qualifier = SetQualifier.None;
        if (rest.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }
        else if (rest.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }

        var ifExists = rest.EndsWith("IfExists", StringComparison.Ordinal) && rest != "IfExists";
        if (ifExists)
        {
            rest = rest[..^"IfExists".Length];
        }

        if (!Operators.TryGetValue(rest, out var known) || (known.Comparison == Comparison.Null && (ifExists || qualifier != SetQualifier.None)))
        {
            return null;
        }

        return new ConditionOperator(name, known.Comparison, known.Negated, ifExists, qualifier);
    }

    /// <summary>
    /// Evaluates the operator for a key whose request values are <paramref name="requestValues"/> (null: the key is not
    /// in the request context), following IAM: a missing key fails positive operators and passes negated ones and
    /// <c>…IfExists</c>; <c>ForAllValues</c> passes on a missing key, <c>ForAnyValue</c> fails; several policy values
    /// are alternatives (any may match; a negated operator needs none to match).
    /// </summary>
    public bool Evaluate(IReadOnlyList<string> policyValues, IReadOnlyList<string>? requestValues)
    {
        if (Kind == Comparison.Null)
        {
            var wantsMissing = policyValues.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));
            return wantsMissing == (requestValues is null || requestValues.Count == 0);
        }

        if (requestValues is null || requestValues.Count == 0)
        {
            return Qualifier switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => IfExists || Negated,
            };
        }

        bool Satisfies(string requestValue)
        {
            var anyMatch = policyValues.Any(policyValue => Compare(requestValue, policyValue));
            return Negated ? !anyMatch : anyMatch;
        }

        return Qualifier switch
        {
            SetQualifier.ForAllValues => requestValues.All(Satisfies),
            SetQualifier.ForAnyValue => requestValues.Any(Satisfies),
            _ => Negated ? requestValues.All(Satisfies) : requestValues.Any(Satisfies),
        };
    }

    private bool Compare(string requestValue, string policyValue)
    {
        switch (Kind)
        {
            case Comparison.StringEquals:
                return string.Equals(requestValue, policyValue, StringComparison.Ordinal);
            case Comparison.StringEqualsIgnoreCase:
                return string.Equals(requestValue, policyValue, StringComparison.OrdinalIgnoreCase);
            case Comparison.StringLike:
                return Wildcard.Matches(policyValue, requestValue);
            case Comparison.Arn:
                return Wildcard.MatchesArn(policyValue, requestValue);
            case Comparison.Bool:
                return bool.TryParse(requestValue, out var actual) && bool.TryParse(policyValue, out var expected) && actual == expected;
            case Comparison.IpAddress:
                return IPAddress.TryParse(requestValue, out var address)
                    && (IPNetwork.TryParse(policyValue, out var network) ? network.Contains(address) : IPAddress.TryParse(policyValue, out var single) && single.Equals(address));
            case Comparison.NumericEquals or Comparison.NumericLessThan or Comparison.NumericLessThanEquals or Comparison.NumericGreaterThan or Comparison.NumericGreaterThanEquals:
                if (!decimal.TryParse(requestValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var left)
                    || !decimal.TryParse(policyValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var right))
                {
                    return false;
                }

                return Kind switch
                {
                    Comparison.NumericEquals => left == right,
                    Comparison.NumericLessThan => left < right,
                    Comparison.NumericLessThanEquals => left <= right,
                    Comparison.NumericGreaterThan => left > right,
                    _ => left >= right,
                };
            default:
                if (!TryDate(requestValue, out var when) || !TryDate(policyValue, out var limit))
                {
                    return false;
                }

                return Kind switch
                {
                    Comparison.DateEquals => when == limit,
                    Comparison.DateLessThan => when < limit,
                    Comparison.DateLessThanEquals => when <= limit,
                    Comparison.DateGreaterThan => when > limit,
                    _ => when >= limit,
                };
        }
    }

    /// <summary>IAM dates are ISO 8601 or epoch seconds.</summary>
    private static bool TryDate(string text, out DateTimeOffset value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
