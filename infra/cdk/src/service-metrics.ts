// The EMF metrics the alarms and the dashboard read, as the services publish them through
// @keyless/metrics: namespace `keyless` (every service gets it as METRICS_NAMESPACE), default
// dimensions `service` and `environment`.
export const METRICS_NAMESPACE = 'keyless';

export const SERVICE_METRICS = {
  /** api: requests (Count), published per `route` and `status`. */
  apiRequests: { service: 'api', metricName: 'Requests' },
  /** api: rejected tokens or missing credentials (Count), published per `reason`. */
  apiAuthFailures: { service: 'api', metricName: 'AuthFailures' },
  /** ledger-worker: how long the oldest message of a batch waited in the queue (Milliseconds). */
  workerLag: { service: 'ledger-worker', metricName: 'MessageLag' },
} as const;
