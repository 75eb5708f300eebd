// The ledger-worker process (an ECS task): `node --import @keyless/telemetry/register src/main.ts`.
// What the process does around the worker is @keyless/service's; the worker's parts are wired in
// start-ledger-worker.ts.
import { runService } from '@keyless/service';
import { ledgerWorkerConfigSchema } from './config.ts';
import { startLedgerWorker } from './start-ledger-worker.ts';

await runService({ name: 'ledger-worker', configSchema: ledgerWorkerConfigSchema, start: startLedgerWorker });
