export {
  adminClients,
  createEmulatorUserKey,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
  type EmulatorTarget,
} from './emulator-admin.ts';
