import type { KeylessIamModel } from './iam/iam-model.ts';
import type { Settings } from './settings.ts';
import type { DataStack } from './stacks/data-stack.ts';
import type { EksStack } from './stacks/eks-stack.ts';
import type { IdentityStack } from './stacks/identity-stack.ts';
import type { NetworkStack } from './stacks/network-stack.ts';
import type { ObservabilityStack } from './stacks/observability-stack.ts';
import type { PipelineStack } from './stacks/pipeline-stack.ts';
import type { ServicesStack } from './stacks/services-stack.ts';
import type { UploadsStack } from './stacks/uploads-stack.ts';

/** Every stack of the app, as buildKeylessApp returns them (the nag acknowledgements read them too). */
export interface KeylessStacks {
  settings: Settings;
  model: KeylessIamModel;
  pipeline: PipelineStack;
  network: NetworkStack;
  identity: IdentityStack;
  data: DataStack;
  uploads: UploadsStack;
  services: ServicesStack;
  eks: EksStack;
  observability: ObservabilityStack;
}
