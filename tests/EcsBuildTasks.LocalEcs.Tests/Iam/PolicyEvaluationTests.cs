using EcsBuildTasks.LocalEcs.Iam.Policies;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>IAM's evaluation rules for identity-based policies, as LocalEcs enforces them.</summary>
[TestClass]
public sealed class PolicyEvaluationTests
{
    private const string Service = "arn:aws:ecs:us-east-1:123456789012:service/prod/web";
    private const string Role = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    [TestMethod]
    public void An_explicit_deny_wins_over_any_allow_and_nothing_allowed_is_denied_implicitly()
    {
        var allowAll = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}""");
        var denyUpdate = Policy("""{"Version": "2012-10-17", "Statement": [{"Sid": "NoUpdates", "Effect": "Deny", "Action": "ecs:UpdateService", "Resource": "*"}]}""");

        Assert.AreEqual(Decision.Allow, Decide([allowAll], "ecs:UpdateService", Service));
        var denied = PolicyEvaluator.Evaluate([allowAll, denyUpdate], new RequestContext("ecs:UpdateService", Service));
        Assert.AreEqual(Decision.ExplicitDeny, denied.Decision);
        Assert.AreEqual("NoUpdates", denied.Statement!.Name);
        Assert.AreEqual(Decision.ExplicitDeny, Decide([denyUpdate, allowAll], "ecs:UpdateService", Service), "order does not matter");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([denyUpdate], "ecs:DescribeServices", Service), "a Deny grants nothing");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([], "ecs:DescribeServices", Service));
    }

    [TestMethod]
    public void Actions_match_with_wildcards_case_insensitively_and_NotAction_inverts_the_list()
    {
        var describe = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["ecs:Describe*", "ecr:Get?uthorizationToken"], "Resource": "*"}}""");
        Assert.AreEqual(Decision.Allow, Decide([describe], "ecs:DescribeServices", Service));
        Assert.AreEqual(Decision.Allow, Decide([describe], "ECS:describeservices", Service), "action names compare case-insensitively");
        Assert.AreEqual(Decision.Allow, Decide([describe], "ecr:GetAuthorizationToken", "*"));
        Assert.AreEqual(Decision.ImplicitDeny, Decide([describe], "ecs:UpdateService", Service));
        Assert.AreEqual(Decision.ImplicitDeny, Decide([describe], "ec2:DescribeVpcs", "*"), "the service prefix is part of the pattern");

        var allButIam = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}""");
        Assert.AreEqual(Decision.Allow, Decide([allButIam], "ecs:UpdateService", Service));
        Assert.AreEqual(Decision.ImplicitDeny, Decide([allButIam], "iam:PassRole", Role));

        var denyAllButReads = Policy("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "NotAction": ["ecs:Describe*", "ecs:List*"], "Resource": "*"}]}""");
        Assert.AreEqual(Decision.Allow, Decide([denyAllButReads], "ecs:ListServices", "*"));
        Assert.AreEqual(Decision.ExplicitDeny, Decide([denyAllButReads], "ecs:CreateService", Service));
    }

    [TestMethod]
    public void Resources_match_component_by_component_with_wildcards_and_NotResource_inverts_the_list()
    {
        var prod = Policy("""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": "arn:aws:ecs:*:123456789012:service/prod/*"},
              {"Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*"},
              {"Effect": "Allow", "Action": "ecs:RunTask", "Resource": "arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:?"}]}
            """);
        Assert.AreEqual(Decision.Allow, Decide([prod], "ecs:UpdateService", Service));
        Assert.AreEqual(Decision.Allow, Decide([prod], "ecs:UpdateService", "arn:aws:ecs:eu-west-1:123456789012:service/prod/api"), "a region wildcard");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([prod], "ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/staging/web"));
        Assert.AreEqual(Decision.ImplicitDeny, Decide([prod], "ecs:UpdateService", "arn:aws:ecs:us-east-1:210987654321:service/prod/web"), "another account");
        Assert.AreEqual(Decision.Allow, Decide([prod], "logs:CreateLogStream", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:ecs/web/abc"), "the last component's * spans colons");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([prod], "logs:CreateLogStream", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web"), "log-group:NAME does not match log-group:NAME:*");
        Assert.AreEqual(Decision.Allow, Decide([prod], "ecs:RunTask", "arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7"));
        Assert.AreEqual(Decision.ImplicitDeny, Decide([prod], "ecs:RunTask", "arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:17"), "? is one character");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([prod], "ecs:UpdateService", "*"), "an action without a resource needs Resource \"*\"");

        var caseMatters = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": "arn:aws:ecs:us-east-1:123456789012:service/Prod/*"}}""");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([caseMatters], "ecs:UpdateService", Service), "resource ARNs are case-sensitive");

        var notProd = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:*", "NotResource": "arn:aws:ecs:*:*:service/prod/*"}}""");
        Assert.AreEqual(Decision.ImplicitDeny, Decide([notProd], "ecs:UpdateService", Service));
        Assert.AreEqual(Decision.Allow, Decide([notProd], "ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/dev/web"));
        Assert.AreEqual(Decision.Allow, Decide([notProd], "ecs:ListClusters", "*"));
    }

    [TestMethod]
    public void Condition_values_are_alternatives_while_keys_and_operators_must_all_hold()
    {
        var passRole = Policy("""
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"], "aws:RequestedRegion": "us-east-1"},
                           "StringLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/ci-*"}}}}
            """);
        RequestContext Pass(string service, string region = "us-east-1", string principal = "arn:aws:iam::123456789012:user/ci-main") =>
            new("iam:PassRole", Role, Keys(("iam:PassedToService", service), ("aws:RequestedRegion", region), ("aws:PrincipalArn", principal)));

        Assert.IsTrue(PolicyEvaluator.Evaluate([passRole], Pass("ecs-tasks.amazonaws.com")).Allowed);
        Assert.IsTrue(PolicyEvaluator.Evaluate([passRole], Pass("ecs.amazonaws.com")).Allowed, "either value of one key");
        Assert.IsFalse(PolicyEvaluator.Evaluate([passRole], Pass("lambda.amazonaws.com")).Allowed);
        Assert.IsFalse(PolicyEvaluator.Evaluate([passRole], Pass("ecs-tasks.amazonaws.com", region: "eu-west-1")).Allowed, "every key of an operator must hold");
        Assert.IsFalse(PolicyEvaluator.Evaluate([passRole], Pass("ecs-tasks.amazonaws.com", principal: "arn:aws:iam::123456789012:user/dev")).Allowed, "every operator must hold");
        Assert.IsFalse(PolicyEvaluator.Evaluate([passRole], new RequestContext("iam:PassRole", Role)).Allowed, "a missing key fails a positive operator");

        var caseInsensitiveKeys = new RequestContext("iam:PassRole", Role, Keys(("IAM:passedtoservice", "ecs.amazonaws.com"), ("AWS:RequestedRegion", "us-east-1"), ("aws:principalarn", "arn:aws:iam::123456789012:user/ci-1")));
        Assert.IsTrue(PolicyEvaluator.Evaluate([passRole], caseInsensitiveKeys).Allowed, "condition keys compare case-insensitively");
    }

    [TestMethod]
    public void Arn_operators_match_components_with_wildcards_and_IfExists_tolerates_a_missing_key()
    {
        var clusterScoped = Policy("""
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["ecs:UpdateService", "ecs:ListServices"], "Resource": "*",
             "Condition": {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:*:123456789012:cluster/prod"}}}}
            """);
        Assert.IsTrue(Evaluate(clusterScoped, "ecs:UpdateService", Service, ("ecs:cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/prod")).Allowed);
        Assert.IsFalse(Evaluate(clusterScoped, "ecs:UpdateService", Service, ("ecs:cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/prod2")).Allowed);
        Assert.IsFalse(Evaluate(clusterScoped, "ecs:ListServices", "*").Allowed);

        var like = Policy("""
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:ListServices", "Resource": "*",
             "Condition": {"ArnLikeIfExists": {"ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/team-*"}}}}
            """);
        Assert.IsTrue(Evaluate(like, "ecs:ListServices", "*", ("ecs:cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/team-a")).Allowed);
        Assert.IsFalse(Evaluate(like, "ecs:ListServices", "*", ("ecs:cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/other")).Allowed);
        Assert.IsTrue(Evaluate(like, "ecs:ListServices", "*").Allowed, "IfExists: no key, no restriction");

        var notLike = Policy("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
             {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringNotEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}
            """);
        Assert.IsTrue(Evaluate(notLike, "iam:PassRole", Role, ("iam:PassedToService", "ecs-tasks.amazonaws.com")).Allowed);
        Assert.AreEqual(Decision.ExplicitDeny, Evaluate(notLike, "iam:PassRole", Role, ("iam:PassedToService", "lambda.amazonaws.com")).Decision);
        Assert.AreEqual(Decision.ExplicitDeny, Evaluate(notLike, "iam:PassRole", Role).Decision, "a negated operator holds when the key is missing");
    }

    [TestMethod]
    public void Set_qualifiers_Null_Bool_numeric_date_and_address_operators_follow_IAM()
    {
        var tags = Policy("""
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:TagResource", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}, "ForAnyValue:StringLike": {"aws:TagKeys": "t*"}}}}
            """);
        Assert.IsTrue(Evaluate(tags, "ecs:TagResource", Service, ("aws:TagKeys", "team"), ("aws:TagKeys", "env")).Allowed);
        Assert.IsFalse(Evaluate(tags, "ecs:TagResource", Service, ("aws:TagKeys", "team"), ("aws:TagKeys", "owner")).Allowed, "ForAllValues: every request value must be listed");
        Assert.IsFalse(Evaluate(tags, "ecs:TagResource", Service, ("aws:TagKeys", "env")).Allowed, "ForAnyValue: some request value must match");

        var onlyTagged = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:CreateService", "Resource": "*", "Condition": {"Null": {"aws:RequestTag/team": "false"}}}}""");
        Assert.IsTrue(Evaluate(onlyTagged, "ecs:CreateService", Service, ("aws:RequestTag/team", "web")).Allowed);
        Assert.IsFalse(Evaluate(onlyTagged, "ecs:CreateService", Service).Allowed);

        var typed = Policy("""
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}, "NumericLessThanEquals": {"sts:DurationSeconds": 3600},
                           "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1"]}}}}
            """);
        Assert.IsTrue(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "true"), ("sts:DurationSeconds", "900"), ("aws:CurrentTime", "2026-06-01T12:00:00Z"), ("aws:SourceIp", "127.0.0.1")).Allowed);
        Assert.IsFalse(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "false"), ("sts:DurationSeconds", "900"), ("aws:CurrentTime", "2026-06-01T12:00:00Z"), ("aws:SourceIp", "127.0.0.1")).Allowed);
        Assert.IsFalse(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "true"), ("sts:DurationSeconds", "7200"), ("aws:CurrentTime", "2026-06-01T12:00:00Z"), ("aws:SourceIp", "127.0.0.1")).Allowed);
        Assert.IsFalse(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "true"), ("sts:DurationSeconds", "900"), ("aws:CurrentTime", "2031-06-01T12:00:00Z"), ("aws:SourceIp", "127.0.0.1")).Allowed);
        Assert.IsFalse(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "true"), ("sts:DurationSeconds", "900"), ("aws:CurrentTime", "2026-06-01T12:00:00Z"), ("aws:SourceIp", "10.0.0.1")).Allowed);
        Assert.IsTrue(Evaluate(typed, "sts:AssumeRole", Role, ("aws:MultiFactorAuthPresent", "true"), ("sts:DurationSeconds", "900"), ("aws:CurrentTime", "1780000000"), ("aws:SourceIp", "::1")).Allowed, "epoch dates and IPv6");
    }

    [TestMethod]
    public void Policy_variables_resolve_from_the_request_in_2012_10_17_documents_only()
    {
        var own = Policy("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/people/${aws:username}/*"}}""");
        Assert.IsTrue(Evaluate(own, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/people/ana/key", ("aws:username", "ana")).Allowed);
        Assert.IsFalse(Evaluate(own, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/people/bob/key", ("aws:username", "ana")).Allowed);
        Assert.IsFalse(Evaluate(own, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/people/ana/key").Allowed, "an unresolved variable matches nothing");

        var legacy = Policy("""{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/people/${aws:username}/*"}}""");
        Assert.IsFalse(Evaluate(legacy, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/people/ana/key", ("aws:username", "ana")).Allowed, "2008-10-17 takes ${…} literally");
    }

    [TestMethod]
    public void Documents_IAM_would_refuse_are_refused_with_its_reason()
    {
        void Refused(string json, string reason, PolicyKind kind = PolicyKind.Identity)
        {
            var error = Assert.ThrowsExactly<PolicyFormatException>(() => PolicyDocument.Parse(json, kind));
            StringAssert.Contains(error.Message, reason, json);
        }

        Refused("{not json", "invalid Json");
        Refused("""{"Version": "2012-10-17"}""", "Statement");
        Refused("""{"Version": "2011-01-01", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}""", "legacy parsing");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}""", "Invalid effect");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "UpdateService", "Resource": "*"}}""", "prefaced by a vendor");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:*"}}""", "needs Resource or NotResource");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:*", "NotAction": "iam:*", "Resource": "*"}}""", "both Action and NotAction");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:*", "Resource": "service/prod/web"}}""", "must be in ARN format");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecs:*", "Resource": "*"}}""", "should not specify a principal");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"StringSorta": {"aws:RequestedRegion": "x"}}}}""", "Invalid Condition type");
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}""", "Missing required field Principal", PolicyKind.Trust);
        Refused("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}}""", "prohibited field Resource", PolicyKind.Trust);
    }

    [TestMethod]
    public void A_trust_policy_allows_a_service_only_through_an_allow_that_names_it_for_AssumeRole()
    {
        var ecsTasks = PolicyDocument.Parse("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}
            """, PolicyKind.Trust);
        Assert.IsTrue(TrustPolicy.AllowsService(ecsTasks, "ecs-tasks.amazonaws.com"));
        Assert.IsFalse(TrustPolicy.AllowsService(ecsTasks, "ecs.amazonaws.com"));

        var lambda = PolicyDocument.Parse("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}""", PolicyKind.Trust);
        Assert.IsFalse(TrustPolicy.AllowsService(lambda, "ecs-tasks.amazonaws.com"));

        var tagOnly = PolicyDocument.Parse("""{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:TagSession"}}""", PolicyKind.Trust);
        Assert.IsFalse(TrustPolicy.AllowsService(tagOnly, "ecs-tasks.amazonaws.com"), "TagSession alone does not let the service assume the role");

        var denied = PolicyDocument.Parse("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:*"},
              {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}]}
            """, PolicyKind.Trust);
        Assert.IsFalse(TrustPolicy.AllowsService(denied, "ecs-tasks.amazonaws.com"));
    }

    private static NamedPolicy Policy(string json) => new("test", PolicyDocument.Parse(json, PolicyKind.Identity));

    private static Decision Decide(IEnumerable<NamedPolicy> policies, string action, string resource) =>
        PolicyEvaluator.Evaluate(policies, new RequestContext(action, resource)).Decision;

    private static Evaluation Evaluate(NamedPolicy policy, string action, string resource, params (string Key, string Value)[] keys) =>
        PolicyEvaluator.Evaluate([policy], new RequestContext(action, resource, Keys(keys)));

    private static Dictionary<string, IReadOnlyList<string>> Keys(params (string Key, string Value)[] keys) =>
        keys.GroupBy(k => k.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(k => k.Value).ToList(), StringComparer.Ordinal);
}
