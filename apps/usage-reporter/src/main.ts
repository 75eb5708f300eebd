// The usage-reporter job (an EKS CronJob's pod): `node --import @keyless/telemetry/register src/main.ts`.
// One run, then exit with its code (the Kubernetes Job retries a failure). What the process does
// around the run is @keyless/service's; the run is wired in start-usage-reporter.ts.
import { runService } from '@keyless/service';
import { usageReporterConfigSchema } from './config.ts';
import { startUsageReporter } from './start-usage-reporter.ts';

await runService({
  name: 'usage-reporter',
  configSchema: usageReporterConfigSchema,
  start: startUsageReporter,
});
