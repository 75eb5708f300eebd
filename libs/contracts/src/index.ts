export { uploadProcessedV1, type UploadProcessedV1 } from './upload-processed.ts';
export { ledgerEvent, parseLedgerEvent, type LedgerEvent, type ParsedLedgerEvent } from './ledger-event.ts';
export {
  INCOMING_PREFIX,
  parseReportKey,
  parseUploadKey,
  reportKey,
  REPORTS_PREFIX,
  uploadKey,
  type UploadAddress,
} from './object-keys.ts';
export { parseUploadMetadata, uploadMetadata } from './upload-metadata.ts';
export {
  issuedUpload,
  parseUploadsItem,
  recordedAttributeNames,
  recordedUpload,
  rejectReason,
  uploadsItem,
  uploadStatus,
  type RecordedAttributes,
  type RejectReason,
  type UploadsItem,
  type UploadStatus,
} from './uploads-item.ts';
export {
  parseReportPointer,
  REPORT_POINTER_KEY,
  reportPointer,
  type ParsedReportPointer,
} from './report-pointer.ts';
