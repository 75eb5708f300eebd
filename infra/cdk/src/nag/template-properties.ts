// Custom rules look at what CloudFormation will receive: the resource's rendered properties with
// tokens resolved and raw overrides applied (cdk-nag's own rules read L1 attributes and so miss
// overrides, as its README warns). Intrinsic functions that remain are flattened to readable
// strings so the policy checks can treat every value as text.
import type { CfnResource } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function templateProperties(node: CfnResource): Record<string, Json> {
  const stack = Stack.of(node);
  const rendered = stack.resolve(node._toCloudFormation()) as {
    Resources: Record<string, { Properties?: Record<string, Json> }>;
  };
  const resource = Object.values(rendered.Resources)[0];
  return resource?.Properties ?? {};
}

/** `{ "Ref": "X" }` → "${X}", `{ "Fn::GetAtt": ["X", "Arn"] }` → "${X.Arn}", Fn::Join joined. */
export function flattenIntrinsics(value: Json): Json {
  if (Array.isArray(value)) return value.map(flattenIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const argument = value[key] as Json;
    if (key === 'Ref') return `\${${String(argument)}}`;
    if (key === 'Fn::GetAtt' && Array.isArray(argument)) return `\${${argument.join('.')}}`;
    if (key === 'Fn::Join' && Array.isArray(argument)) {
      const [separator, parts] = argument as [string, Json[]];
      return parts.map((part) => String(flattenIntrinsics(part))).join(separator);
    }
    if (key === 'Fn::Sub') {
      const template = Array.isArray(argument) ? argument[0] : argument;
      // Variables stay as ${Name}; `${!` is Fn::Sub's escape for a literal `${`.
      return String(template).replaceAll('${!', '${');
    }
    if (key.startsWith('Fn::')) return `\${${key}}`;
  }
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, flattenIntrinsics(item)]));
}

/** A policy document property as plain JSON, whether written as an object or as a JSON string. */
export function policyDocument(value: Json | undefined): Json | undefined {
  if (value === undefined) return undefined;
  const flat = flattenIntrinsics(value);
  return typeof flat === 'string' ? (JSON.parse(flat) as Json) : flat;
}
