// The reporter is an application; these exports are for its tests and for consumers of the report.
export { usageReporterConfigSchema, type UsageReporterConfig } from './config.ts';
export {
  REPORT_SCHEMA_VERSION,
  usageReportSchema,
  buildUsageReport,
  type UsageReport,
} from './usage-report.ts';
export { publishLatest, type LatestOutcome } from './latest-pointer.ts';
export { readUsage, type UsageRow, type UsageSnapshot } from './read-usage.ts';
