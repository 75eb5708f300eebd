import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { projectDir, resourcesOf, roleNamed, template, templateJson } from './assembly.ts';

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

describe('people federated through the corporate IdP (SAML 2.0)', () => {
  const resources = templateJson('identity').Resources;
  const [providerId, provider] = resourcesOf('identity', 'AWS::IAM::SAMLProvider')[0] ?? [];

  it('registers the SAML provider with the IdP metadata from keyless:samlMetadataFile', () => {
    expect(resourcesOf('identity', 'AWS::IAM::SAMLProvider')).toHaveLength(1);
    expect(provider?.Properties.Name).toBe('CorporateIdP');
    expect(provider?.Properties.SamlMetadataDocument).toBe(
      readFileSync(resolve(projectDir, 'saml/example-idp-metadata.xml'), 'utf8'),
    );
  });

  it.each(['developer', 'operator'])(
    'creates the %s role after the provider its trust policy names',
    (name) => {
      const { id } = roleNamed(name);
      expect(resources[id]?.DependsOn).toContain(providerId);
      const trust = JSON.stringify(resources[id]?.Properties.AssumeRolePolicyDocument);
      expect(trust).toContain(':saml-provider/CorporateIdP');
      expect(trust).toContain('"SAML:aud":"https://signin.aws.amazon.com/saml"');
    },
  );
});
