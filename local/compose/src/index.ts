export {
  buildComposeCheck,
  loadComposeProject,
  type ComposeProject,
  type ComposeService,
  type LoadOptions,
} from './compose-project.ts';
export {
  uploadProcessorFunction,
  uploadProcessorRuntimeEnv,
  type UploadProcessorRuntimeConfig,
} from './upload-processor-runtime.ts';
export {
  functionCredentialsFromIdentity,
  type FunctionCredentialsSource,
} from './function-credentials-from-identity.ts';
