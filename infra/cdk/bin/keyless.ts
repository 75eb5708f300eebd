#!/usr/bin/env node
// The CDK app entry point (cdk.json "app"): `npx cdk synth` from infra/cdk.
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildKeylessApp } from '../src/keyless-app.ts';
import { SettingsError } from '../src/settings.ts';

const app = new App();
try {
  const bundle = app.node.tryGetContext('keyless:uploadProcessorBundle') as string | undefined;
  // Relative paths in cdk.json are relative to this project, wherever cdk is run from.
  buildKeylessApp(app, {
    uploadProcessorBundle: bundle && resolve(import.meta.dirname, '..', bundle),
  });
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
app.synth();
