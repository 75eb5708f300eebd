// Requests for services the workspace has no SDK client for (ECS, EKS, CloudFormation, Logs),
// built as those clients build them (protocol, target, content type, body) and signed by
// @smithy/signature-v4, the signer the SDK clients use, then sent over HTTP to the capture
// server so they arrive as any other request does.
import { request as httpRequest } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '@keyless/testing';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface HandBuiltCall {
  /** The SigV4 signing name: `ecs`, `eks`, `cloudformation`, `logs`. */
  service: string;
  method: 'GET' | 'POST';
  /** Already percent-encoded, as the SDK's serializers hand it to the signer. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A JSON 1.1 call (`X-Amz-Target: <prefix>.<operation>`), as ECS and Logs clients send it. */
export function json11Call(service: string, target: string, body: object): HandBuiltCall {
  return {
    service,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  };
}

/** A query-protocol call (`Action=<operation>&Version=<version>&…` form body), as CloudFormation's. */
export function queryCall(
  service: string,
  version: string,
  action: string,
  fields: Record<string, string>,
): HandBuiltCall {
  return {
    service,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: action, Version: version, ...fields }).toString(),
  };
}

/** Signs `call` for `region` with `credentials` and sends it to `endpoint`; resolves once answered. */
export async function sendSigned(
  endpoint: string,
  region: string,
  credentials: SigningCredentials,
  call: HandBuiltCall,
): Promise<void> {
  const url = new URL(endpoint);
  const body = call.body ?? '';
  const signer = new SignatureV4({
    service: call.service,
    region,
    credentials,
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const signed = await signer.sign({
    method: call.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: call.path,
    query: {},
    headers: {
      host: url.host,
      ...(body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      ...call.headers,
    },
    body,
  });
  await new Promise<void>((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: call.method, path: call.path, headers: signed.headers },
      (response) => {
        response.resume();
        response.on('end', resolve);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
