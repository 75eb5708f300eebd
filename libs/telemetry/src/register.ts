// Entry for `node --import @keyless/telemetry/register ./src/main.ts`: runs before the app's first
// import, so every module the instrumentations care about is patched when the app loads it.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { exitOnConfigError } from '@keyless/config';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { startTelemetry } from './start-telemetry.ts';
import { readTelemetryConfig, type TelemetryConfig } from './telemetry-config.ts';

// `--import` also runs in every worker thread (pino transports use them); one SDK per process is enough.
if (isMainThread) {
  let config: TelemetryConfig;
  try {
    config = readTelemetryConfig(process.env);
  } catch (error) {
    // An error thrown here would print with the preload's stack before the app's own config check.
    exitOnConfigError(error);
  }
  if (!config.disabled) {
    // ESM imports bypass require(), so they need import-in-the-middle's loader hook. The message channel
    // tells the hook which modules the instrumentations asked for, so it wraps those and nothing else.
    // It only works if this import-in-the-middle is the copy @opentelemetry/instrumentation uses.
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, registerOptions);
    startTelemetry(config);
    await waitForAllMessagesAcknowledged();
  }
}
