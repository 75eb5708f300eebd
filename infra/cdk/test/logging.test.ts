import { describe, expect, it } from 'vitest';
import { allResources, onlyResource } from './assembly.ts';

describe('log retention', () => {
  it('every log group the app creates has a retention period', () => {
    const groups = allResources('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const { stack, id, resource } of groups) {
      expect(resource.Properties.RetentionInDays, `${stack}/${id}`).toBeGreaterThanOrEqual(90);
    }
  });

  it('every container and function logs to one of those groups', () => {
    const groupIds = new Set(allResources('AWS::Logs::LogGroup').map(({ id }) => id));
    for (const { resource } of allResources('AWS::ECS::TaskDefinition')) {
      for (const container of resource.Properties.ContainerDefinitions as {
        LogConfiguration: { Options: Record<string, { Ref: string }> };
      }[]) {
        expect(groupIds.has(String(container.LogConfiguration.Options['awslogs-group']?.Ref))).toBe(true);
      }
    }
    const [, fn] = onlyResource('uploads', 'AWS::Lambda::Function');
    expect(groupIds.has((fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref)).toBe(
      true,
    );
  });

  it('the database exports its PostgreSQL log', () => {
    const [, db] = onlyResource('data', 'AWS::RDS::DBInstance');
    expect(db.Properties.EnableCloudwatchLogsExports).toContain('postgresql');
  });
});
