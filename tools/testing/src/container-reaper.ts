// The harness's own stand-in for testcontainers' Ryuk, which is disabled (its image comes from
// Docker Hub, which CI machines here cannot reach). Started as an owned process
// (@keyless/owned-process) by the test process that starts containers: it waits, and when it is
// asked to stop — by the harness's stop(), or by the owner's watchdog when the test process died,
// even by SIGKILL — it removes every container labelled with its owner id (with their anonymous
// volumes), then exits.
//
//   node container-reaper.ts <owner id>
import { engineRequest } from './engine-api.ts';

export const ownerLabel = 'io.keyless.test-owner';

export async function removeOwnedContainers(
  owner: string,
  dockerHost = process.env.DOCKER_HOST,
): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${ownerLabel}=${owner}`] }));
  const { body } = await engineRequest(dockerHost, 'GET', `/containers/json?all=1&filters=${filters}`);
  const containers = JSON.parse(body) as { Id: string }[];
  await Promise.all(
    containers.map(({ Id }) => engineRequest(dockerHost, 'DELETE', `/containers/${Id}?force=1&v=1`)),
  );
  return containers.length;
}

if (import.meta.main) {
  const owner = process.argv[2];
  if (!owner) {
    process.stderr.write('usage: container-reaper.ts <owner id>\n');
    process.exit(2);
  }
  const reap = () => {
    removeOwnedContainers(owner).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`container reaper: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', reap);
  process.once('SIGINT', reap);
  // Ready: the owner may start containers now.
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1 << 30);
}
