export { startEmulatorProcess, type EmulatorOptions, type RunningEmulator } from './emulator-process.ts';
export { emulatorPython, emulators, installCommand, type Emulator } from './emulators/emulators.ts';
export { capabilities, hasCapability, lacking, type Capability } from './emulators/emulator-capabilities.ts';
export { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
export {
  adminClients,
  createEmulatorUserKey,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
} from '@keyless/emulator-admin';
export {
  allBootstrapParts,
  bootstrap,
  bootstrapNeeds,
  bootstrapNeedsOf,
  bootstrapParts,
  type BootstrapOptions,
  type BootstrapPart,
  type BootstrapResult,
} from './bootstrap/bootstrap.ts';
export { defaultLedgerNames, dropLedger, type LedgerNames } from './bootstrap/database.ts';
export { freePort } from './free-port.ts';
export {
  startLocalPlatform,
  type LocalPlatformOptions,
  type PlatformDescription,
  type RunningPlatform,
} from './platform.ts';
export { repoRoot } from './paths.ts';
export { waitUntilHealthy } from './wait-until-healthy.ts';
export { ensureUploadsTable } from './bootstrap/storage.ts';
export { checkPrerequisites, describeProblems, type Problem } from './check-prerequisites.ts';
export { packagedBinaries, type PostgresBinaries } from './postgres/postgres-binaries.ts';
