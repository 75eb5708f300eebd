// The local corporate IdP, as a small web server: its metadata (what IAM's SAML provider holds), a
// sign-in page for the demo users, and, on sign-in, the page an IdP answers with: an HTML form that
// posts the signed SAMLResponse to AWS's sign-in. `npm run sso` reads that form as SAML CLI tools do.
// It authenticates nobody (pick a user): it stands in for the IdP, whose own sign-in and MFA are
// not what this project shows.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopbackAt, type LoopbackServer } from '../loopback-server.ts';
import { AWS_SAML_ENDPOINT } from '../sts/saml/aws-saml.ts';
import { DEMO_USERS, type DirectoryUser } from './directory.ts';
import {
  createSamlIdentityProvider,
  type ResponseOptions,
  type SamlIdentityProvider,
} from './saml-identity-provider.ts';

export const METADATA_PATH = '/saml/metadata';
export const SIGN_IN_PATH = '/saml/sign-in';

export interface LocalIdp {
  /** `http://127.0.0.1:<port>/saml`: the IdP's entity ID, the Issuer of its assertions. */
  entityId: string;
  metadataUrl: string;
  signInUrl: string;
  /** The metadata XML: register it as the IAM SAML provider. */
  metadata: string;
  /** The IdP's "AWS app" configuration: members of `group` are offered `roleArn` through `providerArn`. */
  mapGroup(group: string, roleArn: string, providerArn: string): void;
  /** Signs `username` in: the base64 SAMLResponse, or undefined for a user it does not know. */
  signIn(username: string, options?: ResponseOptions): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface LocalIdpOptions {
  users?: readonly DirectoryUser[];
  host?: string;
  port?: number;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

function signInPage(users: readonly DirectoryUser[]): string {
  const options = users
    .map((user) => {
      const groups = user.groups.length > 0 ? user.groups.join(', ') : 'no group';
      return `<li><label><input type="radio" name="username" value="${escapeHtml(user.username)}"> ${escapeHtml(user.username)} (${escapeHtml(groups)})</label></li>`;
    })
    .join('');
  return page(
    'keyless local IdP',
    `<h1>keyless local IdP</h1><p>Stands in for your corporate IdP: pick a demo user (no password; your IdP's own sign-in is not what keyless shows).</p>` +
      `<form method="post" action="${SIGN_IN_PATH}"><ul>${options}</ul><button type="submit">Sign in to AWS</button></form>`,
  );
}

/** What an IdP answers a sign-in with: a form the browser posts to AWS's sign-in. */
function postToAwsPage(samlResponse: string): string {
  return page(
    'Signing in to AWS',
    `<form method="post" action="${AWS_SAML_ENDPOINT}"><input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">` +
      `<noscript><button type="submit">Continue to AWS</button></noscript></form>` +
      `<p>Locally there is no AWS console: <code>npm run sso</code> exchanges this assertion at the STS front instead.</p>`,
  );
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startLocalIdp(options: LocalIdpOptions = {}): Promise<LocalIdp> {
  const users = options.users ?? DEMO_USERS;
  const roleOfGroup = new Map<string, string[]>();
  // Made once the server listens: its entity ID is the server's own URL.
  const signer: { idp?: SamlIdentityProvider } = {};

  async function signIn(username: string, at?: ResponseOptions): Promise<string | undefined> {
    const user = users.find((candidate) => candidate.username === username);
    if (!user || !signer.idp) return undefined;
    return signer.idp.signResponse(
      {
        nameId: user.nameId,
        roles: user.groups.flatMap((group) => roleOfGroup.get(group) ?? []),
        roleSessionName: user.username,
        ...(user.team !== undefined && { principalTags: { team: user.team } }),
      },
      at,
    );
  }

  const server: LoopbackServer = await listenOnLoopbackAt(
    options.host ?? '127.0.0.1',
    options.port ?? 0,
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://idp').pathname;
      if (req.method === 'GET' && path === METADATA_PATH) {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(signer.idp?.metadata);
      } else if (req.method === 'GET' && (path === SIGN_IN_PATH || path === '/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(signInPage(users));
      } else if (req.method === 'POST' && path === SIGN_IN_PATH) {
        const form = await readForm(req).catch(() => undefined);
        const username = form?.get('username') ?? '';
        // The IdP's clock may be off (a real failure mode): the assertion's times move with it.
        const skew = Number(form?.get('clockSkewSeconds') ?? '0');
        const samlResponse = Number.isFinite(skew)
          ? await signIn(username, { now: new Date(Date.now() + skew * 1000) })
          : undefined;
        if (!samlResponse) {
          problem(res, 401, 'Unknown user', `The local IdP has no user ${JSON.stringify(username)}`);
          return;
        }
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(postToAwsPage(samlResponse));
      } else {
        problem(res, 404, 'Not found', `The local IdP serves ${METADATA_PATH} and ${SIGN_IN_PATH}`);
      }
    },
  );
  const entityId = `${server.origin}/saml`;
  const ready = await createSamlIdentityProvider({
    entityId,
    singleSignOnUrl: `${server.origin}${SIGN_IN_PATH}`,
  });
  signer.idp = ready;
  return {
    entityId,
    metadataUrl: `${server.origin}${METADATA_PATH}`,
    signInUrl: `${server.origin}${SIGN_IN_PATH}`,
    metadata: ready.metadata,
    mapGroup(group, roleArn, providerArn) {
      roleOfGroup.set(group, [...(roleOfGroup.get(group) ?? []), `${roleArn},${providerArn}`]);
    },
    signIn,
    close: () => server.close(),
  };
}

/** The SAMLResponse in an IdP's answer page, as SAML CLI tools read it. */
export function samlResponseInPage(html: string): string | undefined {
  const value = /<input type="hidden" name="SAMLResponse" value="([^"]*)">/.exec(html)?.[1];
  return value?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}
