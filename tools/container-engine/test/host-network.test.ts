// Teardown removes only what dockerd added to iptables: its chains, the jumps to them and the
// rules about its bridges, never a rule of someone else's (the real teardown runs in CI).
import { expect, test } from 'vitest';
import { call } from './bash.ts';

const isDockerRule = async (rule: string) =>
  (await call(['lib/common.sh', 'lib/host-network.sh'], 'is_docker_rule', [rule])).code === 0;

test("dockerd's rules (as iptables-save prints them after a bring-up) are recognised", async () => {
  for (const rule of [
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -i br-3f2a9c81d0e4 ! -o br-3f2a9c81d0e4 -j ACCEPT',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.18.0.2/32 -d 172.18.0.2/32 -p tcp -m tcp --dport 5000 -j MASQUERADE',
  ]) {
    expect(await isDockerRule(rule), rule).toBe(true);
  }
});

test("anyone else's rules are left alone", async () => {
  for (const rule of [
    '-A INPUT -i lo -j ACCEPT',
    '-A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE',
    '-A FORWARD -i wg0 -j ACCEPT',
    '-A FORWARD -i br-lan -j ACCEPT',
    '-A POSTROUTING -s 10.8.0.2/32 -d 10.9.0.0/16 -j MASQUERADE',
  ]) {
    expect(await isDockerRule(rule), rule).toBe(false);
  }
});
