// The worker is an application (src/main.ts); these exports are for the checks of its environment.
export { ledgerWorkerConfigSchema, type LedgerWorkerConfig } from './config.ts';
