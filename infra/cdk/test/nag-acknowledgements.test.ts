// The acknowledged cdk-nag findings are part of the security review: this list changes only on
// purpose, and every entry carries a reason.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACKS, projectDir, templateJson } from './assembly.ts';

interface Acknowledgement {
  id: string;
  reason: string;
}

const acknowledged = STACKS.flatMap((stack) =>
  Object.values(templateJson(stack).Resources).flatMap((resource) => {
    const metadata = (resource.Metadata ?? {}) as {
      'aws:cdk:path'?: string;
      cdk_nag?: { rules_to_suppress: Acknowledgement[] };
    };
    return (metadata.cdk_nag?.rules_to_suppress ?? []).map(({ id, reason }) => ({
      path: metadata['aws:cdk:path'],
      id: id.replace(/\[Resource::arn:[^\]]*\]/, (finding) => finding.replace(/\d{12}/g, '<account>')),
      reason,
    }));
  }),
);

describe('cdk-nag acknowledgements', () => {
  it('are exactly the reviewed list', () => {
    const bucket = '<bucket>';
    const list = acknowledged
      .map(({ path, id }) => `${path} ${id.replace(/keyless-files-<account>-eu-west-1/g, bucket)}`)
      .sort();
    expect(list).toEqual(
      [
        'keyless-data/AccessLogs/Resource AwsSolutions-S1',
        'keyless-data/Ledger/Resource AwsSolutions-RDS11',
        'keyless-uploads/UploadProcessorFailures/Resource AwsSolutions-SQS3',
        'keyless-services/LoadBalancerSecurityGroup/Resource AwsSolutions-EC23',
        'keyless-services/apiTask/Resource AwsSolutions-ECS2',
        'keyless-services/ledger-workerTask/Resource AwsSolutions-ECS2',
        'keyless-services/apiTask/ExecutionRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
        'keyless-services/ledger-workerTask/ExecutionRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
        'keyless-eks/Cluster/Resource CloudFormation-Validate::W9009',
        'keyless-eks/Cluster/Role/Resource AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
        ...['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(
          (policy) =>
            `keyless-eks/Cluster/NodegroupNodes/NodeGroupRole/Resource AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        ),
        // aws-cdk-lib's FlowLog construct acknowledges these schema-validator false positives itself.
        ...['FlowLog', 'IAMRole/Resource', 'IAMRole/DefaultPolicy/Resource'].flatMap((path) =>
          ['F3002', 'F3003'].map(
            (rule) => `keyless-network/Vpc/FlowLog/${path} CloudFormation-Validate::${rule}`,
          ),
        ),
        // The IAM model's bounded wildcards (libs/iam-model/README.md, "Where * remains").
        `keyless-services/ApiRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/incoming/*]`,
        `keyless-services/ApiRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/reports/*]`,
        `keyless-uploads/UploadProcessorRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/incoming/*]`,
        'keyless-uploads/UploadProcessorRole/Resource AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:<account>:log-group:/aws/lambda/upload-processor:*]',
        `keyless-eks/UsageReporterRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/reports/*]`,
        `keyless-identity/DeveloperRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/reports/*]`,
        `keyless-identity/OperatorRole/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::${bucket}/reports/*]`,
        'keyless-pipeline/DeployRole/Resource AwsSolutions-IAM5[Resource::arn:aws:ecs:eu-west-1:<account>:service/keyless/*]',
        'keyless-pipeline/DiffRole/Resource AwsSolutions-IAM5[Resource::arn:aws:cloudformation:eu-west-1:<account>:stack/keyless*/*]',
      ].sort(),
    );
  });

  it('each give a reason of more than a sentence fragment', () => {
    for (const { path, id, reason } of acknowledged)
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(60);
  });

  it('leave no violation in the validation report', () => {
    const report = JSON.parse(
      readFileSync(resolve(projectDir, 'cdk.out/validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { conclusion: string; violations: unknown[] }[];
    };
    for (const plugin of report.pluginReports)
      expect(plugin).toMatchObject({ conclusion: 'success', violations: [] });
  });
});
