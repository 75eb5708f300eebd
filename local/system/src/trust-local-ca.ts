// A process that talks to the running system over HTTPS (the demo following presigned URLs, a
// test) trusts the local CA the way a workload does with NODE_EXTRA_CA_CERTS, without a restart.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

export function trustLocalCa(caFile: string): void {
  const local = readFileSync(caFile, 'utf8');
  const trusted = tls.getCACertificates('default');
  if (!trusted.includes(local)) tls.setDefaultCACertificates([...trusted, local]);
}
