import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { keylessIamModel } from './iam/iam-model.ts';
import type { KeylessStacks } from './keyless-stacks.ts';
import { acknowledgeFindings } from './nag/acknowledgements.ts';
import { KeylessChecks } from './nag/keyless-checks.ts';
import { readSettings } from './settings.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EksStack } from './stacks/eks-stack.ts';
import { IdentityStack } from './stacks/identity-stack.ts';
import { NetworkStack } from './stacks/network-stack.ts';
import { ObservabilityStack } from './stacks/observability-stack.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';
import { ServicesStack } from './stacks/services-stack.ts';
import { UploadsStack } from './stacks/uploads-stack.ts';

/**
 * The whole keyless deployment, one stack per concern (network, identity, data, uploads, services,
 * EKS, observability, pipeline), with the security rule packs registered: synth (and therefore
 * deploy) fails on any unacknowledged finding.
 */
export function buildKeylessApp(app: App, options: { uploadProcessorBundle?: string } = {}): KeylessStacks {
  const settings = readSettings(app.node);
  const model = keylessIamModel(settings);
  const names = model.params.names;

  const pipeline = new PipelineStack(app, 'pipeline', { settings, model });
  const network = new NetworkStack(app, 'network', { settings });
  const identity = new IdentityStack(app, 'identity', { settings, model });
  const data = new DataStack(app, 'data', { settings, vpc: network.vpc, names });
  const uploads = new UploadsStack(app, 'uploads', {
    settings,
    model,
    accessLogs: data.accessLogs,
    uploadsTable: data.uploadsTable,
    ledgerEvents: data.ledgerEvents,
    uploadProcessorBundle: options.uploadProcessorBundle ?? settings.uploadProcessorBundle,
  });
  const services = new ServicesStack(app, 'services', {
    settings,
    model,
    vpc: network.vpc,
    repositories: pipeline.repositories,
    accessLogs: data.accessLogs,
    userPool: identity.userPool,
    webClient: identity.webClient,
    uploadsTable: data.uploadsTable,
    ledgerEvents: data.ledgerEvents,
    databaseSecurityGroupId: data.databaseSecurityGroup.securityGroupId,
    writerSecret: data.writerSecret,
  });
  const eks = new EksStack(app, 'eks', {
    settings,
    model,
    vpc: network.vpc,
    ledgerProxy: {
      securityGroupId: data.ledgerProxySecurityGroup.securityGroupId,
      resourceId: data.ledgerProxyResourceId,
    },
    deployRoleArn: pipeline.deployRole.resource.attrArn,
  });
  const observability = new ObservabilityStack(app, 'observability', {
    settings,
    loadBalancer: services.loadBalancer,
    apiTargets: services.apiTargets,
    ledgerEventsDlq: data.ledgerEventsDlq,
    uploadFailures: uploads.failures,
    uploadProcessor: uploads.uploadProcessor,
  });

  const stacks = {
    settings,
    model,
    pipeline,
    network,
    identity,
    data,
    uploads,
    services,
    eks,
    observability,
  };
  acknowledgeFindings(stacks);
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new KeylessChecks(app, { verbose: true }),
  );
  return stacks;
}
