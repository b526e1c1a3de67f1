#!/usr/bin/env bash
# Creates what a BlueGreen, Canary or Linear service needs besides itself, and writes the ARNs to wiring.props, which
# TrafficShifting.csproj imports:
#   - an Application Load Balancer with two ip target groups on the container port (blue and green),
#   - a production listener (:80) whose rule forwards to blue, and a test listener (:8080) whose rule forwards to green,
#   - the ECS infrastructure role ECS assumes to move traffic (AmazonECSInfrastructureRolePolicyForLoadBalancers),
#   - a CloudWatch alarm on green's 5xx count that the verification gates read and ECS watches through the bake time.
#
# Usage:
#   ./setup-wiring.sh --local [http://localhost:4599]   against LocalEcs (started with dotnet run, see README.md)
#   ./setup-wiring.sh --aws                             against the AWS account of your AWS CLI profile (creates
#                                                       billable resources in the default VPC; see README.md to remove them)
set -euo pipefail

name=traffic-shifting
port=8080
here="$(cd "$(dirname "$0")" && pwd)"

case "${1:-}" in
  --local) mode=local; endpoint="${2:-http://localhost:4599}"; aws=(aws --endpoint-url "$endpoint" --region us-east-1)
           export AWS_ACCESS_KEY_ID=localecs AWS_SECRET_ACCESS_KEY=localecs ;;
  --aws)   mode=aws; aws=(aws) ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac

vpc=$("${aws[@]}" ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
subnets=$("${aws[@]}" ec2 describe-subnets --filters Name=vpc-id,Values="$vpc" Name=default-for-az,Values=true --query 'Subnets[].SubnetId' --output text)
echo "default VPC $vpc, subnets $subnets"

lb=$("${aws[@]}" elbv2 create-load-balancer --name "$name" --type application --subnets $subnets --query 'LoadBalancers[0].LoadBalancerArn' --output text)
dns=$("${aws[@]}" elbv2 describe-load-balancers --load-balancer-arns "$lb" --query 'LoadBalancers[0].DNSName' --output text)

target_group() {
  "${aws[@]}" elbv2 create-target-group --name "$1" --protocol HTTP --port "$port" --vpc-id "$vpc" --target-type ip \
    --health-check-path /health --health-check-interval-seconds 10 --healthy-threshold-count 2 \
    --query 'TargetGroups[0].TargetGroupArn' --output text
}
blue=$(target_group "$name-blue")
green=$(target_group "$name-green")
# Blue/green deployments wait for draining twice per deployment; the default 300 s is rarely needed.
for group in "$blue" "$green"; do
  "${aws[@]}" elbv2 modify-target-group-attributes --target-group-arn "$group" --attributes Key=deregistration_delay.timeout_seconds,Value=30 >/dev/null
done

listener() {
  "${aws[@]}" elbv2 create-listener --load-balancer-arn "$lb" --protocol HTTP --port "$1" \
    --default-actions Type=fixed-response,FixedResponseConfig='{StatusCode=404}' --query 'Listeners[0].ListenerArn' --output text
}
rule() {
  "${aws[@]}" elbv2 create-rule --listener-arn "$1" --priority 10 --conditions Field=path-pattern,Values='/*' \
    --actions Type=forward,TargetGroupArn="$2" --query 'Rules[0].RuleArn' --output text
}
production_rule=$(rule "$(listener 80)" "$blue")
test_rule=$(rule "$(listener 8080)" "$green")

account=$("${aws[@]}" sts get-caller-identity --query Account --output text)
role_name=ecsInfrastructureRoleForLoadBalancers
if [ "$mode" = aws ]; then
  "${aws[@]}" iam create-role --role-name "$role_name" --assume-role-policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
  "${aws[@]}" iam attach-role-policy --role-name "$role_name" --policy-arn arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers
fi
role="arn:aws:iam::$account:role/$role_name"

alarm="$name-green-5xx"
"${aws[@]}" cloudwatch put-metric-alarm --alarm-name "$alarm" --namespace AWS/ApplicationELB --metric-name HTTPCode_Target_5XX_Count \
  --dimensions Name=TargetGroup,Value="${green##*:}" Name=LoadBalancer,Value="${lb#*:loadbalancer/}" \
  --statistic Sum --period 60 --evaluation-periods 1 --threshold 5 --comparison-operator GreaterThanThreshold --treat-missing-data notBreaching
if [ "$mode" = local ]; then
  # LocalEcs never evaluates metrics: start the alarm in OK (set-alarm-state ALARM to rehearse a rollback).
  "${aws[@]}" cloudwatch set-alarm-state --alarm-name "$alarm" --state-value OK --state-reason "no 5xx errors"
fi

# LocalEcs serves no HTTP traffic through its load balancers, so the URL gate is for AWS only; the alarm gate runs on both.
verify_url=""
if [ "$mode" = aws ]; then verify_url="<EcsVerifyUrl>http://$dns:8080/health</EcsVerifyUrl>"; fi

cat > "$here/wiring.props" <<PROPS
<Project>
  <!-- Written by setup-wiring.sh ($mode) on $(date -u +%Y-%m-%dT%H:%M:%SZ). -->
  <PropertyGroup>
    <EcsTargetGroupArn>$blue</EcsTargetGroupArn>
    <EcsAlternateTargetGroupArn>$green</EcsAlternateTargetGroupArn>
    <EcsProductionListenerRuleArn>$production_rule</EcsProductionListenerRuleArn>
    <EcsTestListenerRuleArn>$test_rule</EcsTestListenerRuleArn>
    <EcsInfrastructureRoleArn>$role</EcsInfrastructureRoleArn>
    $verify_url
  </PropertyGroup>
  <ItemGroup>
    <EcsVerifyAlarm Include="$alarm" />
  </ItemGroup>
</Project>
PROPS
echo "wrote $here/wiring.props (production: http://$dns/, test: http://$dns:8080/)"
