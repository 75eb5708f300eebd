import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEPLOY_ENV } from '../service-environment.ts';
import { METRICS_NAMESPACE, SERVICE_METRICS } from '../service-metrics.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export interface ObservabilityStackProps extends KeylessStackProps {
  loadBalancer: elbv2.IApplicationLoadBalancer;
  apiTargets: elbv2.IApplicationTargetGroup;
  ledgerEventsDlq: sqs.IQueue;
  uploadFailures: sqs.IQueue;
  uploadProcessor: lambda.IFunction;
}

const serviceMetric = (
  { service, metricName }: { service: string; metricName: string },
  statistic: string,
  period = Duration.minutes(5),
) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, environment: DEPLOY_ENV },
    statistic,
    period,
  });

/**
 * The sum of a metric the service publishes under extra dimensions (route, reason): a Metrics
 * Insights query adds up every series, whatever those dimensions are.
 */
const serviceTotal = ({ service, metricName }: { service: string; metricName: string }, label: string) =>
  new cloudwatch.MathExpression({
    label,
    expression: `SELECT SUM(${metricName}) FROM ${METRICS_NAMESPACE} WHERE service = '${service}' AND environment = '${DEPLOY_ENV}'`,
    usingMetrics: {},
    period: Duration.minutes(5),
  });

/** One dashboard and the alarms that page someone, all publishing to one encrypted SNS topic. */
export class ObservabilityStack extends KeylessStack {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the keyless alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch must encrypt the messages it publishes to the topic, for this account only.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new sns.Topic(this, 'Alarms', {
      topicName: 'keyless-alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (this.settings.alarmEmail)
      topic.addSubscription(new subscriptions.EmailSubscription(this.settings.alarmEmail));

    const alarm = (
      id: string,
      metric: cloudwatch.Metric | cloudwatch.MathExpression,
      options: Partial<cloudwatch.CreateAlarmOptions>,
    ) => {
      const created = metric.createAlarm(this, id, {
        alarmName: `keyless-${id}`,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(new actions.SnsAction(topic));
      created.addOkAction(new actions.SnsAction(topic));
      this.alarms.push(created);
      return created;
    };

    const alb5xx = new cloudwatch.MathExpression({
      label: 'ALB + target 5xx',
      expression: 'elb + target',
      usingMetrics: {
        elb: props.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
        target: props.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          statistic: 'Sum',
        }),
      },
      period: Duration.minutes(5),
    });
    alarm('alb-5xx', alb5xx, {
      alarmDescription:
        'The api returned more than 10 server errors in 5 minutes (from the ALB or the tasks).',
      threshold: 10,
    });

    const unhealthy = props.apiTargets.metrics.unhealthyHostCount({
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    alarm('api-unhealthy-targets', unhealthy, {
      alarmDescription: 'An api task has failed its /readyz health check for 3 minutes.',
      evaluationPeriods: 3,
    });
    const healthy = props.apiTargets.metrics.healthyHostCount({
      statistic: 'Minimum',
      period: Duration.minutes(1),
    });
    alarm('api-no-healthy-targets', healthy, {
      alarmDescription: 'No api task is healthy: the api is down.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    const visible = (queue: sqs.IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) });
    alarm('ledger-events-dlq-not-empty', visible(props.ledgerEventsDlq), {
      alarmDescription: 'A ledger event failed 5 times and is in ledger-events-dlq; inspect and redrive it.',
    });
    alarm('upload-failures-not-empty', visible(props.uploadFailures), {
      alarmDescription: 'An S3 event failed all Lambda retries and is in upload-processor-failures.',
    });

    alarm('upload-processor-errors', props.uploadProcessor.metricErrors({ period: Duration.minutes(5) }), {
      alarmDescription: 'The upload-processor function failed (it will retry twice, then give up).',
    });

    const lag = serviceMetric(SERVICE_METRICS.workerLag, 'Maximum');
    alarm('ledger-worker-lag', lag, {
      alarmDescription: 'The ledger-worker is more than 5 minutes behind the ledger-events queue.',
      threshold: 5 * 60 * 1000,
      evaluationPeriods: 3,
    });

    const authFailures = serviceTotal(SERVICE_METRICS.apiAuthFailures, 'auth failures per 5 minutes');
    alarm('api-auth-failure-rate', authFailures, {
      alarmDescription:
        'More than 50 failed authentications per 5 minutes for 15 minutes: token guessing, or a client with a broken token.',
      threshold: 50,
      evaluationPeriods: 3,
    });
    const requests = serviceTotal(SERVICE_METRICS.apiRequests, 'requests per 5 minutes');

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: 'keyless' });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16 }),
      // Metrics Insights allows one query per widget.
      new cloudwatch.GraphWidget({ title: 'api requests', left: [requests], width: 8 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'api 5xx', left: [alb5xx], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'api targets', left: [healthy, unhealthy], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'auth failures', left: [authFailures], width: 8 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'upload-processor',
        left: [props.uploadProcessor.metricInvocations(), props.uploadProcessor.metricErrors()],
        right: [props.uploadProcessor.metricDuration({ statistic: 'p99' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'ledger-worker lag (ms)', left: [lag], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'dead letters',
        left: [visible(props.ledgerEventsDlq), visible(props.uploadFailures)],
        width: 8,
      }),
    );
  }
}
