export { startEmulatorProcess, type RunningEmulator } from './emulator-process.ts';
export { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
export {
  adminClients,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
} from './emulator-admin.ts';
export { bootstrap, type BootstrapOptions, type BootstrapResult } from './bootstrap/bootstrap.ts';
export { freePort } from './free-port.ts';
