export { uploadProcessedV1, type UploadProcessedV1 } from './upload-processed.ts';
export { ledgerEvent, parseLedgerEvent, type LedgerEvent, type ParsedLedgerEvent } from './ledger-event.ts';
