// The IAM OIDC providers registered in the emulator decide which issuers STS trusts at all, as in
// AWS: a token whose issuer is not registered in the role's account is refused before anything else.
import {
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { invalidIdentityToken } from './sts-error.ts';

export interface RegisteredProvider {
  arn: string;
  /** The provider URL as IAM keeps it, without scheme: also the prefix of its condition keys. */
  url: string;
  clientIds: string[];
}

/** `https://host/path` → `host/path`, the form IAM stores and compares provider URLs in. */
export function withoutScheme(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}

export async function findRegisteredProvider(iam: IAMClient, issuer: string): Promise<RegisteredProvider> {
  const wanted = withoutScheme(issuer);
  const { OpenIDConnectProviderList = [] } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  const arn = OpenIDConnectProviderList.map((provider) => provider.Arn).find((candidate) =>
    candidate?.endsWith(`:oidc-provider/${wanted}`),
  );
  if (!arn) {
    throw invalidIdentityToken(
      'issuer',
      `No OpenIDConnect provider found in your account for ${issuer} ` +
        `(issuer check: issuer not registered as an IAM OIDC provider)`,
    );
  }
  const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  return { arn, url: withoutScheme(provider.Url ?? wanted), clientIds: provider.ClientIDList ?? [] };
}
