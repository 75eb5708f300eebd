// Every cdk-nag finding the app accepts, on the one resource it concerns, with the reason. Model
// roles acknowledge their bounded wildcards themselves (iam/model-wildcards.ts). Anything not
// listed here fails synth.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { KeylessStacks } from '../keyless-stacks.ts';

const EKS_MANAGED_POLICY = (name: string) =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`;

function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/** `Resource` children are what the rules see; acknowledge on the L1 below an L2. */
const resourceOf = (construct: IConstruct): IConstruct => construct.node.defaultChild ?? construct;

export function acknowledgeFindings({ data, uploads, services, eks }: KeylessStacks): void {
  acknowledge(
    resourceOf(data.accessLogs),
    'AwsSolutions-S1',
    'This is the access-log bucket itself: logging its own requests into itself would log the log writes, without end. It is private, versioned, TLS-only and expires objects after a year.',
  );
  acknowledge(
    resourceOf(data.database),
    'AwsSolutions-RDS11',
    'A non-default port hides nothing from an attacker already inside the VPC; the database is in isolated subnets and its security group admits only the ledger-worker, the EKS nodes and secret rotation. 5432 keeps the Kubernetes NetworkPolicy and local tooling simple.',
  );
  acknowledge(
    resourceOf(uploads.failures),
    'AwsSolutions-SQS3',
    "This queue is the upload-processor's on-failure destination, the end of the line like a DLQ: events land here after Lambda's retries, are alarmed on, and are inspected by a person.",
  );
  acknowledge(
    resourceOf(services.loadBalancer.connections.securityGroups[0] ?? services.loadBalancer),
    'AwsSolutions-EC23',
    'The internet-facing load balancer of a public API must accept 443 from anywhere (80 only answers with a redirect to HTTPS); it is protected by the WAF web ACL and forwards only to the api tasks.',
  );
  for (const task of [services.api.taskDefinition, services.worker.taskDefinition]) {
    acknowledge(
      resourceOf(task),
      'AwsSolutions-ECS2',
      'The environment holds only non-secret configuration (resource names, queue URL, secret ARN, log level); a test asserts no value looks like a credential. Secrets are read at run time with the task role, so rotation takes effect without a redeploy.',
    );
    const executionPolicy = task.executionRole?.node.tryFindChild('DefaultPolicy');
    if (!executionPolicy) throw new Error(`${task.node.path} has no execution role policy`);
    acknowledge(
      resourceOf(executionPolicy),
      'AwsSolutions-IAM5[Resource::*]',
      'The execution role (image pull and log delivery, not the application identity) needs ecr:GetAuthorizationToken, which supports only Resource "*"; every other statement CDK generates is scoped to the repository and log group.',
    );
  }

  const cluster = eks.cluster;
  const clusterRole = cluster.role.node.defaultChild;
  if (!clusterRole) throw new Error('the EKS cluster role has no CloudFormation resource');
  acknowledge(
    clusterRole,
    EKS_MANAGED_POLICY('AmazonEKSClusterPolicy'),
    'EKS requires this AWS managed policy on the cluster role and AWS keeps it in step with the control plane; the role is assumable only by eks.amazonaws.com.',
  );
  const nodeRole = cluster.node.findAll().find((c) => c.node.path.endsWith('NodeGroupRole/Resource'));
  if (!nodeRole) throw new Error('the EKS node group role was not found');
  for (const [policy, why] of [
    ['AmazonEKSWorkerNodePolicy', 'lets the kubelet join the cluster'],
    ['AmazonEKS_CNI_Policy', 'lets the VPC CNI assign pod IP addresses'],
    [
      'AmazonEC2ContainerRegistryReadOnly',
      'lets the kubelet pull images (the usage-reporter image from ECR)',
    ],
  ] as const) {
    acknowledge(
      nodeRole,
      EKS_MANAGED_POLICY(policy),
      `The EKS-documented node policy that ${why}. Pods cannot use the node role: IMDSv2 with a hop limit of 1 keeps them off the instance metadata service, so workloads use IRSA or Pod Identity.`,
    );
  }
  acknowledge(
    resourceOf(cluster),
    'CloudFormation-Validate::W9009',
    "aws-eks-v2 renders EncryptionConfig.Resources: ['secrets'], which EKS still requires for envelope encryption of Kubernetes secrets; the deprecation notice concerns the schema, not the behaviour.",
  );
}
