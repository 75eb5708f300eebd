// Reading the parameters of the RPC-style protocols: a JSON document (JSON 1.0/1.1, SQS JSON) or
// form fields (query protocol: body and query string together, as AWS accepts both).
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse } from './aws-errors.ts';

export type JsonObject = Record<string, unknown>;

export function jsonBody(request: GateRequest, service: string): JsonObject {
  const text = request.body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(invalidParameter(service, 'The request body is not valid JSON.'));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return refuse(invalidParameter(service, 'The request body is not a JSON object.'));
  }
  return parsed as JsonObject;
}

/** Query-protocol fields: the query string's, then the form body's (a body field wins). */
export function formFields(request: GateRequest): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(request.query)) fields.set(name, value);
  const type = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) fields.set(name, value);
  }
  return fields;
}

/** `Prefix.member.N` (or `Prefix.N`) lists of the query protocol, in index order. */
export function memberList(fields: Map<string, string>, prefix: string): string[] {
  return indexed(fields, prefix).map(([, value]) => value);
}

/** `Prefix.member.N.Key`/`.Value` pairs (STS Tags), in index order. */
export function memberPairs(
  fields: Map<string, string>,
  prefix: string,
): Array<{ key: string; value: string }> {
  const keys = indexed(fields, prefix, '.Key');
  return keys.map(([n, key]) => ({
    key,
    value: fields.get(`${prefix}.member.${n}.Value`) ?? fields.get(`${prefix}.${n}.Value`) ?? '',
  }));
}

function indexed(fields: Map<string, string>, prefix: string, suffix = ''): Array<[number, string]> {
  const pattern = new RegExp(
    `^${prefix.replace(/\./g, '\\.')}\\.(?:member\\.)?(\\d+)${suffix.replace(/\./g, '\\.')}$`,
  );
  const found: Array<[number, string]> = [];
  for (const [name, value] of fields) {
    const match = pattern.exec(name);
    if (match) found.push([Number(match[1]), value]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}

export function stringField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(body: JsonObject, name: string, service: string): string {
  const value = stringField(body, name);
  if (value === undefined || value === '') {
    return refuse(invalidParameter(service, `The request must give ${name}.`));
  }
  return value;
}

/** CloudTrail writes parameter names in lower camel case (`QueueUrl` → `queueUrl`). */
export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
