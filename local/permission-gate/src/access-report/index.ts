export { accessReport, acknowledges, grantCovers } from './access-report.ts';
export type { AccessReport, GrantReport, GrantStatus, RoleReport } from './access-report.ts';
export {
  acknowledgementSchema,
  acknowledgementsSchema,
  AcknowledgementError,
  parseAcknowledgements,
  readAcknowledgements,
  type Acknowledgement,
} from './acknowledgements.ts';
export { runAccessReport, parseAccessReportArgs, accessReportUsage } from './access-report-command.ts';
export { deriveAuthorizations, type RecordAuthorization } from './derive-actions.ts';
export { formatAccessReport, grantName } from './format-report.ts';
export { expandAction, grantsOf, GrantError, type Grant } from './grants.ts';
export { localIamModel, localModelParams, scopeOfTrail } from './local-model.ts';
export { authorizationsOf, usageOf, type DeniedCall, type Usage, type UsedAccess } from './usage.ts';
