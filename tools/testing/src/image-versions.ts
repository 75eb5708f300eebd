import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type ImageVariable = 'MOTO_IMAGE' | 'POSTGRES_IMAGE' | 'LOCALSTACK_IMAGE' | 'NODE_IMAGE';

const repoRoot = resolve(import.meta.dirname, '../../..');
/** Written by tools/container-engine/build-images.sh when no registry answers (and removed when one does). */
export const localImagesFile = resolve(repoRoot, '.local/container-images.env');

function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

/**
 * The images docker compose would use, in its order: the environment first, then the locally
 * built images' file when it selects them, then the repository's `.env`, where every image is
 * pinned once (so the harness and compose never drift apart).
 *
 * The locally built images (`keyless-local/…`, tools/container-engine) are used when
 * `KEYLESS_IMAGES=local`, or when it is unset and `.local/container-images.env` exists;
 * `KEYLESS_IMAGES=official` uses `.env`'s even then.
 */
export function selectedImages(
  env: Record<string, string | undefined> = process.env,
  files: { dotEnv?: string; localImages?: string } = {},
): Record<ImageVariable, string> & { source: string } {
  const dotEnv = readEnvFile(files.dotEnv ?? resolve(repoRoot, '.env'));
  const localFile = files.localImages ?? localImagesFile;
  const choice = env.KEYLESS_IMAGES;
  if (choice && choice !== 'local' && choice !== 'official') {
    throw new Error(`KEYLESS_IMAGES is ${choice}: expected local or official`);
  }
  if (choice === 'local' && !existsSync(localFile)) {
    throw new Error(
      `KEYLESS_IMAGES=local but ${localFile} does not exist: run tools/container-engine/build-images.sh`,
    );
  }
  const useLocal = choice === 'local' || (choice === undefined && existsSync(localFile));
  const local = useLocal ? readEnvFile(localFile) : {};
  const pick = (variable: ImageVariable): string => {
    const image = env[variable] || local[variable] || dotEnv[variable];
    if (!image) throw new Error(`${variable} is not pinned in .env`);
    return image;
  };
  return {
    MOTO_IMAGE: pick('MOTO_IMAGE'),
    POSTGRES_IMAGE: pick('POSTGRES_IMAGE'),
    LOCALSTACK_IMAGE: pick('LOCALSTACK_IMAGE'),
    NODE_IMAGE: pick('NODE_IMAGE'),
    source: useLocal ? `locally built (${localFile})` : '.env',
  };
}

/** The image for one variable, as `selectedImages` chooses it. */
export function pinnedImage(
  variable: ImageVariable,
  env: Record<string, string | undefined> = process.env,
): string {
  return selectedImages(env)[variable];
}
