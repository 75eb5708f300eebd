import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { KeylessIamModel } from '../iam/iam-model.ts';
import { ModelRole } from '../iam/model-role.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export interface IdentityStackProps extends KeylessStackProps {
  model: KeylessIamModel;
}

export const USER_GROUPS = ['members', 'admins'] as const;

/**
 * Who people are. Users of the product sign in to the Cognito user pool; the api verifies its
 * access tokens (issuer, client, `token_use`, expiry), group membership travels in
 * `cognito:groups`. The team's own people (developers, operators) reach the account through the
 * corporate IdP: a SAML provider and the `developer` and `operator` roles that trust it.
 */
export class IdentityStack extends KeylessStack {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  readonly samlProvider: iam.SamlProvider;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);

    // The IdP's metadata (entity ID, signing certificate) is what STS verifies assertions with.
    this.samlProvider = new iam.SamlProvider(this, 'SamlProvider', {
      name: props.settings.samlProviderName,
      metadataDocument: iam.SamlMetadataDocument.fromFile(props.settings.samlMetadataFile),
    });
    for (const [constructId, name] of [
      ['DeveloperRole', 'developer'],
      ['OperatorRole', 'operator'],
    ] as const) {
      const role = new ModelRole(this, constructId, { definition: props.model.role(name) });
      // The trust policy names the provider by ARN; it must exist before the role is created.
      role.resource.addDependency(this.samlProvider.node.defaultChild as iam.CfnSAMLProvider);
    }

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: 'keyless',
      // Accounts are invited by an administrator; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential and adaptive-authentication checks, enforced.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const groupName of USER_GROUPS) {
      new cognito.UserPoolGroup(this, `Group-${groupName}`, { userPool: this.userPool, groupName });
    }

    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'keyless-web',
      // A browser or CLI cannot keep a secret, so the public client has none.
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      // Stated explicitly rather than left to defaults a reader has to look up.
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      authSessionValidity: Duration.minutes(3),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: this.webClient.userPoolClientId });
    new CfnOutput(this, 'Issuer', { value: this.userPool.userPoolProviderUrl });
  }
}
