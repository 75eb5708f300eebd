import { describe, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { template } from './assembly.ts';

const identity = template('identity');

describe('Cognito user pool', () => {
  it('has the members and admins groups', () => {
    for (const group of ['members', 'admins']) {
      identity.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
    identity.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
  });

  it('enforces a strong password policy, MFA, threat protection and admin-only sign-up', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'keyless',
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has a public web client without a secret and with explicit token lifetimes', () => {
    identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'keyless-web',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});
