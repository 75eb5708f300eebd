import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, resourcesOf, template } from './assembly.ts';

const observability = template('observability');
const alarms = resourcesOf('observability', 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
const alarm = (name: string) => {
  const found = alarms.find((candidate) => candidate.AlarmName === `keyless-${name}`);
  if (!found) throw new Error(`no alarm keyless-${name}`);
  return found;
};
const [topicId] = onlyResource('observability', 'AWS::SNS::Topic');

describe('alarms', () => {
  it('cover 5xx, target health, dead letters, Lambda errors, worker lag and the auth failure rate', () => {
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
      [
        'alb-5xx',
        'api-auth-failure-rate',
        'api-no-healthy-targets',
        'api-unhealthy-targets',
        'ledger-events-dlq-not-empty',
        'ledger-worker-lag',
        'upload-failures-not-empty',
        'upload-processor-errors',
      ].map((name) => `keyless-${name}`),
    );
  });

  it('notify the alarm topic when they fire and when they recover', () => {
    for (const a of alarms) {
      expect(a.AlarmActions, String(a.AlarmName)).toEqual([{ Ref: topicId }]);
      expect(a.OKActions, String(a.AlarmName)).toEqual([{ Ref: topicId }]);
    }
  });

  it('fire on the first message in a dead-letter queue', () => {
    expect(alarm('ledger-events-dlq-not-empty')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: expect.anything() }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    expect(JSON.stringify(alarm('ledger-events-dlq-not-empty').Dimensions)).toContain('LedgerEventsDlq');
  });

  it('read the EMF metrics the services publish (namespace keyless, service and environment)', () => {
    expect(alarm('ledger-worker-lag')).toMatchObject({
      Namespace: 'keyless',
      MetricName: 'MessageLag',
      Dimensions: [
        { Name: 'environment', Value: 'prod' },
        { Name: 'service', Value: 'ledger-worker' },
      ],
      Statistic: 'Maximum',
      Threshold: 300_000,
    });
  });

  it('add up auth failures over every reason with one Metrics Insights query', () => {
    expect(alarm('api-auth-failure-rate').Metrics).toEqual([
      expect.objectContaining({
        Expression: "SELECT SUM(AuthFailures) FROM keyless WHERE service = 'api' AND environment = 'prod'",
        Period: 300,
        ReturnData: true,
      }),
    ]);
  });
});

describe('alarm topic and dashboard', () => {
  it('encrypts the topic with a rotated key CloudWatch may use, and requires TLS', () => {
    observability.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    observability.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
    observability.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has one dashboard', () => {
    observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
