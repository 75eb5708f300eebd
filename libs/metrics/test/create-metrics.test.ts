import { describe, expect, it } from 'vitest';
import { createMetrics, MetricResolution, MetricUnit } from '../src/index.ts';
import { captureEmf } from './emf-output.ts';

const settings = { namespace: 'keyless', service: 'api', environment: 'local' };

describe('createMetrics', () => {
  it('publishes an EMF document with namespace, default dimensions, definitions and values', () => {
    const metrics = createMetrics(settings);
    const before = Date.now();
    const documents = captureEmf(() => {
      metrics.addMetric('UploadsPresigned', MetricUnit.Count, 1);
      metrics.addMetric('UploadBytes', MetricUnit.Bytes, 2048);
      metrics.addMetric('PresignLatency', MetricUnit.Milliseconds, 12, MetricResolution.High);
      metrics.publishStoredMetrics();
    });

    expect(documents).toHaveLength(1);
    const [document] = documents;
    expect(document?._aws.Timestamp).toBeGreaterThanOrEqual(before);
    expect(document?._aws.Timestamp).toBeLessThanOrEqual(Date.now());
    expect(document?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'keyless',
        Dimensions: [['service', 'environment']],
        Metrics: [
          { Name: 'UploadsPresigned', Unit: 'Count' },
          { Name: 'UploadBytes', Unit: 'Bytes' },
          { Name: 'PresignLatency', Unit: 'Milliseconds', StorageResolution: 1 },
        ],
      },
    ]);
    expect(document).toMatchObject({
      service: 'api',
      environment: 'local',
      UploadsPresigned: 1,
      UploadBytes: 2048,
      PresignLatency: 12,
    });
  });

  it('emits one document per publish, each with only its own values', () => {
    const metrics = createMetrics(settings);
    const documents = captureEmf(() => {
      metrics.addMetric('UploadsPresigned', MetricUnit.Count, 1);
      metrics.addMetric('UploadsPresigned', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      metrics.addMetric('UploadsPresigned', MetricUnit.Count, 5);
      metrics.publishStoredMetrics();
    });

    expect(documents.map((document) => document.UploadsPresigned)).toEqual([[1, 1], 5]);
  });

  it('attaches a high-cardinality value as metadata, not as a dimension', () => {
    const metrics = createMetrics(settings);
    const [document] = captureEmf(() => {
      metrics
        .singleMetric()
        .addMetadata('upload_id', 'u-7f3c9a')
        .addMetric('UploadFingerprinted', MetricUnit.Count, 1);
    });

    expect(document?.upload_id).toBe('u-7f3c9a');
    expect(document?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'environment']]);
  });

  it('sends Powertools warnings to the given logger, and publishes nothing for an empty buffer', () => {
    const warnings: unknown[][] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (...args: unknown[]) => void warnings.push(args),
    };
    const metrics = createMetrics({ ...settings, logger });

    expect(captureEmf(() => metrics.publishStoredMetrics())).toEqual([]);
    expect(warnings).toEqual([[expect.stringContaining('No application metrics to publish')]]);
  });
});
