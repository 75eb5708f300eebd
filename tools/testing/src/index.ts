export { probeContainerRuntime, type RuntimeProbe } from './container-runtime.ts';
export {
  startTestPlatform,
  type BackendKind,
  type TestPlatform,
  type TestPlatformOptions,
} from './test-platform.ts';
export type { DatabaseAccess } from './backends.ts';
export { pinnedImage, selectedImages, localImagesFile, type ImageVariable } from './image-versions.ts';
export { NodeSha256 } from './node-sha256.ts';
