// The shipped Prometheus and Alertmanager configurations, checked by promtool and amtool.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MONITORING, runTool } from './tools.ts';

describe('monitoring/prometheus.yml', () => {
  it('is accepted by promtool check config, rule files included', async () => {
    const { code, output } = await runTool('/usr/bin/promtool', ['check', 'config', 'prometheus.yml']);
    expect(output).toMatch(/SUCCESS: \d+ rule files found/);
    expect(code).toBe(0);
  });
});

describe('monitoring/alertmanager.yml', () => {
  it('is accepted by amtool check-config', async () => {
    const { code, output } = await runTool('/usr/bin/amtool', ['check-config', 'alertmanager.yml']);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('sends every alert, resolved ones too, to runnerbot /alerts with a bearer token from a file', async () => {
    const config = parse(await readFile(join(MONITORING, 'alertmanager.yml'), 'utf8'));
    expect(config.route.group_by).toEqual(['alertname', 'runner']);
    expect(config.route.routes).toBeUndefined();
    const [receiver] = config.receivers.filter((r: { name: string }) => r.name === config.route.receiver);
    expect(receiver.webhook_configs).toHaveLength(1);
    const [webhook] = receiver.webhook_configs;
    expect(new URL(webhook.url).pathname).toBe('/alerts');
    expect(webhook.send_resolved).toBe(true);
    expect(webhook.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: expect.stringMatching(/^\//) });
  });
});
