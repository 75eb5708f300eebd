import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { EKS_KUBERNETES_VERSION } from '../src/eks-version.ts';
import { defined, resourcesOf, roleNamed, template, templateJson } from './assembly.ts';

const eks = template('eks');

describe('EKS cluster', () => {
  it(`runs Kubernetes ${EKS_KUBERNETES_VERSION}, with a private API endpoint by default and all control-plane logs`, () => {
    eks.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'keyless',
      Version: EKS_KUBERNETES_VERSION,
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({
            Type,
          })),
        },
      },
      EncryptionConfig: [Match.objectLike({ Resources: ['secrets'] })],
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
    });
  });

  it('has a launch template that requires IMDSv2 with a hop limit of 1, used by the only node group', () => {
    const templates = resourcesOf('eks', 'AWS::EC2::LaunchTemplate');
    expect(templates).toHaveLength(1);
    const [templateId, launchTemplate] = defined(templates[0], 'launch template');
    expect(
      (launchTemplate.Properties.LaunchTemplateData as { MetadataOptions: object }).MetadataOptions,
    ).toEqual({
      HttpEndpoint: 'enabled',
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
    });
    const groups = resourcesOf('eks', 'AWS::EKS::Nodegroup');
    expect(groups).toHaveLength(1);
    expect(defined(groups[0], 'node group')[1].Properties.LaunchTemplate).toEqual({
      Id: { Ref: templateId },
      Version: { 'Fn::GetAtt': [templateId, 'LatestVersionNumber'] },
    });
  });

  it('lets the deploy role edit the keyless namespace only', () => {
    eks.resourceCountIs('AWS::EKS::AccessEntry', 1);
    eks.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: Match.objectLike({
        'Fn::GetStackOutput': Match.objectLike({ StackName: 'keyless-pipeline' }),
      }),
      AccessPolicies: [
        {
          AccessScope: { Type: 'namespace', Namespaces: ['keyless'] },
          PolicyArn: Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSEditPolicy'])],
          }),
        },
      ],
    });
  });

  it('associates the usage-reporter role with its service account for Pod Identity', () => {
    eks.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'keyless',
      ServiceAccount: 'usage-reporter',
      RoleArn: { 'Fn::GetAtt': [roleNamed('usage-reporter').id, 'Arn'] },
    });
    eks.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
  });

  it('outputs what the Kubernetes manifests are rendered from', () => {
    const outputs = templateJson('eks').Outputs ?? {};
    expect(Object.keys(outputs).sort()).toEqual([
      'ClusterName',
      'KubernetesVersion',
      'OidcIssuer',
      'UsageReporterRoleArn',
    ]);
    expect(outputs.KubernetesVersion?.Value).toBe(EKS_KUBERNETES_VERSION);
  });
});
