import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rehearsals, rehearse } from '../src/rehearse-deploy.ts';
import { startTestSystem } from './system-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  beforeAll(async () => {
    fixture = await startTestSystem();
  });
  afterAll(() => fixture?.stop());

  describe('deploy rehearsal through the local GitHub OIDC issuer and STS front', () => {
    test.each(rehearsals)('$title → $role $expect', async (rehearsal) => {
      const result = await rehearse(fixture.system.description, rehearsal);
      expect(result.outcome).toBe(rehearsal.expect);
      if (rehearsal.expect === 'allowed') {
        expect(result.detail).toMatch(new RegExp(`:assumed-role/${rehearsal.role}/`));
      } else {
        expect(result.detail).toContain('trust-policy');
        expect(result.detail).toContain(':pull_request');
      }
    });

    test('the deploy session may roll ECS but may not read reports or the writer secret', async () => {
      const [deployJob] = rehearsals;
      const result = await rehearse(fixture.system.description, deployJob as (typeof rehearsals)[number]);
      const allowed = Object.fromEntries(result.permissions.map((p) => [p.action, p.allowed]));
      expect(allowed).toEqual({
        'sts:AssumeRole': true,
        'ecs:UpdateService': true,
        'cloudformation:GetTemplate': false,
        's3:GetObject': false,
        'secretsmanager:GetSecretValue': false,
      });
    });

    test('each decision is one JSON line with the role, the outcome and the reason', () => {
      const decisions = fixture.lines.filter((line) => line.event === 'sts.decision');
      const denied = decisions.find((line) => line.decision === 'denied');
      expect(denied).toMatchObject({ role: expect.stringContaining(':role/deploy'), check: 'trust-policy' });
      expect(JSON.stringify(decisions)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });
  });
});
