export { CDK_OUTPUTS, paramsEnvFile, paramsFromCdkOutputs, type ManifestParams } from './cdk-params.ts';
export { ensureGoTool, type GoTool } from './go-tool.ts';
export { kustomizeBuild, kustomizeTool } from './kustomize.ts';
export { k8sRoot, localBinDir } from './paths.ts';
export {
  InvalidManifestsError,
  validatedKubernetesVersion,
  validateManifests,
} from './validate-manifests.ts';
