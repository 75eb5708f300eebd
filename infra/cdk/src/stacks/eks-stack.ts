import { CfnOutput } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as kms from 'aws-cdk-lib/aws-kms';
import { USAGE_REPORTER_SERVICE_ACCOUNT } from '@keyless/iam-model';
import type { Construct } from 'constructs';
import { EKS_KUBERNETES_VERSION } from '../eks-version.ts';
import {
  EKS_CLUSTER_NAME,
  EKS_ISSUER_SLOT,
  LEDGER_PROXY_SLOT,
  type KeylessIamModel,
} from '../iam/iam-model.ts';
import { ModelRole } from '../iam/model-role.ts';
import { admitToDatabase } from './database-access.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export interface EksStackProps extends KeylessStackProps {
  model: KeylessIamModel;
  vpc: ec2.IVpc;
  /** The ledger's RDS Proxy, which the usage-reporter reaches with an IAM token. */
  ledgerProxy: { securityGroupId: string; resourceId: string };
  deployRoleArn: string;
}

/**
 * The EKS cluster that runs the usage-reporter CronJob: private subnets, API endpoint private (or
 * public from listed CIDRs only), all control-plane logs, envelope-encrypted secrets, one managed
 * node group whose launch template requires IMDSv2 with a hop limit of 1 (pods cannot borrow
 * the node's role; they use IRSA or Pod Identity), and the usage-reporter role.
 */
export class EksStack extends KeylessStack {
  readonly cluster: eks.Cluster;
  readonly usageReporterRole: ModelRole;

  constructor(scope: Construct, id: string, props: EksStackProps) {
    super(scope, id, props);
    const { vpc, model } = props;
    const cidrs = this.settings.eksPublicAccessCidrs;
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: EKS_CLUSTER_NAME,
      version: eks.KubernetesVersion.of(EKS_KUBERNETES_VERSION),
      vpc,
      vpcSubnets: [privateSubnets],
      endpointAccess:
        cidrs.length > 0
          ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...cidrs)
          : eks.EndpointAccess.PRIVATE,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      secretsEncryptionKey: new kms.Key(this, 'ClusterSecretsKey', {
        description: 'Envelope encryption of Kubernetes secrets in the keyless EKS cluster',
        enableKeyRotation: true,
      }),
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      // CloudFormation's role would become cluster admin; access is granted by the entries below.
      bootstrapClusterCreatorAdminPermissions: false,
    });

    const launchTemplate = new ec2.LaunchTemplate(this, 'NodeLaunchTemplate', {
      requireImdsv2: true,
      httpEndpoint: true,
      // One hop: the node itself reaches IMDS, a pod (one hop further) does not.
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(50, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    if (!launchTemplate.launchTemplateId) throw new Error('the node launch template has no ID');
    this.cluster.addNodegroupCapacity('Nodes', {
      nodegroupName: 'keyless',
      amiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD,
      instanceTypes: [new ec2.InstanceType('m7g.large')],
      minSize: 2,
      desiredSize: 2,
      maxSize: 4,
      subnets: privateSubnets,
      launchTemplateSpec: {
        id: launchTemplate.launchTemplateId,
        version: launchTemplate.latestVersionNumber,
      },
    });

    // Nodes run with the cluster security group; the ledger proxy (not the database) admits it on
    // 5432: the usage-reporter has no password to log in to the database with anyway.
    admitToDatabase(
      this,
      'LedgerProxy',
      props.ledgerProxy.securityGroupId,
      this.cluster.clusterSecurityGroup,
      'EKS nodes',
    );

    // IRSA: the model's trust policy names the issuer in its condition keys; the real issuer is
    // only known once the cluster exists, so it is filled in at deploy time.
    const provider = this.cluster.openIdConnectProvider;
    this.usageReporterRole = new ModelRole(this, 'UsageReporterRole', {
      definition: model.role('usage-reporter'),
      substitutions: {
        [EKS_ISSUER_SLOT]: { variable: 'EksOidcIssuer', value: provider.openIdConnectProviderIssuer },
        [LEDGER_PROXY_SLOT]: { variable: 'LedgerProxyResourceId', value: props.ledgerProxy.resourceId },
      },
    });

    // Pod Identity, the alternative the model's trust policy also allows (infra/k8s overlay).
    new eks.Addon(this, 'PodIdentityAgent', { cluster: this.cluster, addonName: 'eks-pod-identity-agent' });
    new CfnPodIdentityAssociation(this, 'UsageReporterPodIdentity', {
      clusterName: this.cluster.clusterName,
      namespace: USAGE_REPORTER_SERVICE_ACCOUNT.namespace,
      serviceAccount: USAGE_REPORTER_SERVICE_ACCOUNT.name,
      roleArn: this.usageReporterRole.resource.attrArn,
    });

    // The deploy workflow may change objects in the keyless namespace (roll the CronJob's image),
    // nothing cluster-wide.
    new eks.AccessEntry(this, 'DeployAccess', {
      cluster: this.cluster,
      principal: props.deployRoleArn,
      accessPolicies: [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSEditPolicy', {
          accessScopeType: eks.AccessScopeType.NAMESPACE,
          namespaces: [USAGE_REPORTER_SERVICE_ACCOUNT.namespace],
        }),
      ],
    });
    if (this.settings.eksAdminRoleArn) {
      new eks.AccessEntry(this, 'AdminAccess', {
        cluster: this.cluster,
        principal: this.settings.eksAdminRoleArn,
        accessPolicies: [
          eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', {
            accessScopeType: eks.AccessScopeType.CLUSTER,
          }),
        ],
      });
    }

    // What the k8s manifests are rendered from.
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'KubernetesVersion', { value: EKS_KUBERNETES_VERSION });
    new CfnOutput(this, 'UsageReporterRoleArn', { value: this.usageReporterRole.resource.attrArn });
    new CfnOutput(this, 'OidcIssuer', { value: provider.openIdConnectProviderIssuer });
  }
}
