export { startWorker, type RunningWorker } from './start-worker.ts';
export { workerConfigSchema, type WorkerConfig } from './worker-config.ts';
export type { StopSummary } from './queue-consumer.ts';
