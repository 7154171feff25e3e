// The notification settings as the server reads them: OC_WEBHOOK_CONCURRENCY's default, range and rejections.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('OC_WEBHOOK_CONCURRENCY', () => {
  it('defaults to 8', () => expect(loadConfig({}).webhookConcurrency).toBe(8));

  it('accepts 1 to 100', () => {
    expect(loadConfig({ OC_WEBHOOK_CONCURRENCY: '1' }).webhookConcurrency).toBe(1);
    expect(loadConfig({ OC_WEBHOOK_CONCURRENCY: '100' }).webhookConcurrency).toBe(100);
  });

  it.each(['0', '101', '-3', '2.5', 'eight'])('refuses %s, naming the setting', (v) => {
    expect(() => loadConfig({ OC_WEBHOOK_CONCURRENCY: v })).toThrow(/^OC_WEBHOOK_CONCURRENCY: /);
  });
});
