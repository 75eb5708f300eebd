// The non-secret configuration each service receives, in one place so it can be checked against
// the apps' config schemas. Secrets are never here: services fetch them from Secrets Manager with
// their own role (the worker and reporter re-read them after a rotation, which an environment
// variable filled in at task start could not).
import { METRICS_NAMESPACE } from './service-metrics.ts';

export const DEPLOY_ENV = 'prod';

/** What every service gets; the metrics land where the alarms and the dashboard read them. */
export const commonEnvironment = (service: string): Record<string, string> => ({
  DEPLOY_ENV,
  LOG_LEVEL: 'info',
  METRICS_NAMESPACE,
  OTEL_SERVICE_NAME: service,
});

export const API_PORT = 8080;
export const WORKER_HEALTH_PORT = 8081;
