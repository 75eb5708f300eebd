import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export const USER_GROUPS = ['members', 'admins'] as const;

/**
 * The Cognito user pool people sign in to. The api verifies its access tokens (issuer, client,
 * `token_use`, expiry); group membership travels in `cognito:groups`.
 */
export class IdentityStack extends KeylessStack {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: KeylessStackProps) {
    super(scope, id, props);

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
