import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Settings } from '../settings.ts';
import { STACK_NAME_PREFIX } from '../iam/iam-model.ts';

export interface KeylessStackProps extends StackProps {
  settings: Settings;
}

/**
 * Every stack of the app: named `keyless-<id>` (the diff role may read exactly those), bound to
 * the configured account and Region, with the Availability Zones from context.
 */
export class KeylessStack extends Stack {
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: KeylessStackProps) {
    // The construct ID is the stack name, so `cdk deploy keyless-network` names what it deploys.
    super(scope, `${STACK_NAME_PREFIX}-${id}`, {
      ...props,
      env: { account: props.settings.account, region: props.settings.region },
      terminationProtection: true,
    });
    this.settings = props.settings;
  }

  // CDK would otherwise look the zones up in the account (and need credentials to synthesize).
  override get availabilityZones(): string[] {
    return this.settings.availabilityZones;
  }
}
