// The api process (an ECS task behind the ALB): `node --import @keyless/telemetry/register src/main.ts`.
// What the process does around the api is @keyless/service's; the api's parts are wired in start-api.ts.
import { runService } from '@keyless/service';
import { apiConfigSchema } from './config.ts';
import { startApi } from './start-api.ts';

await runService({ name: 'api', configSchema: apiConfigSchema, start: startApi });
