// The shipped alert rules and their promtool unit tests, checked by the real promtool.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MONITORING, runTool } from './tools.ts';

const RUNBOOK_BASE = 'https://runnerbot.example/docs/operations';
const RULES = join(MONITORING, 'rules');
const TESTS = join(RULES, 'tests');

interface AlertRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts: { exp_labels?: Record<string, string> }[];
}

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));
}

async function shippedAlerts(): Promise<(AlertRule & { group: string })[]> {
  const files = await Promise.all((await yamlFiles(RULES)).map(async (f) => parse(await readFile(f, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }));
  return files.flatMap((f) => f.groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name }))));
}

async function alertTests(): Promise<AlertTest[]> {
  const files = await Promise.all((await yamlFiles(TESTS)).map(async (f) => parse(await readFile(f, 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] }));
  return files.flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
}

describe('alert rules', () => {
  it('are accepted by promtool check rules', async () => {
    const { code, output } = await runTool('/usr/bin/promtool', ['check', 'rules', ...(await yamlFiles(RULES))]);
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });

  it('pass their promtool unit tests', async () => {
    const { code, output } = await runTool('/usr/bin/promtool', ['test', 'rules', ...(await yamlFiles(TESTS))], TESTS);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('fail promtool test rules when an expectation is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runnerbot-rules-'));
    try {
      const wrong = { rule_files: [join(RULES, 'runners.yml')], tests: [{ interval: '1m', input_series: [{ series: 'up{job="node",runner="r"}', values: '1x10' }], alert_rule_test: [{ eval_time: '8m', alertname: 'RunnerDown', exp_alerts: [{ exp_labels: { severity: 'critical', runner: 'r' } }] }] }] };
      await writeFile(join(dir, 'wrong.yml'), JSON.stringify(wrong));
      const { code, output } = await runTool('/usr/bin/promtool', ['test', 'rules', join(dir, 'wrong.yml')], dir);
      expect(code).not.toBe(0);
      expect(output).toContain('RunnerDown');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('include every alert the fleet and runnerbot need', async () => {
    expect((await shippedAlerts()).map((a) => a.alert).sort()).toEqual(
      ['RunnerDown', 'RunnerHighDiskUsage', 'RunnerHighMemory', 'RunnerJobFailures', 'RunnerbotDown', 'RunnerbotJobFailed', 'RunnerbotQueueStuck', 'RunnerbotSlackRateLimited'].sort(),
    );
  });

  it('each carry a severity, a summary, a description and a runbook anchor named after the alert', async () => {
    for (const rule of await shippedAlerts()) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook_url, rule.alert).toBe(`${RUNBOOK_BASE}#${rule.alert.toLowerCase()}`);
    }
  });

  it('each have a unit test where they fire and one where they do not', async () => {
    const tests = await alertTests();
    for (const { alert } of await shippedAlerts()) {
      const mine = tests.filter((t) => t.alertname === alert);
      expect(mine.some((t) => t.exp_alerts.length > 0), `${alert} firing`).toBe(true);
      expect(mine.some((t) => t.exp_alerts.length === 0), `${alert} not firing`).toBe(true);
    }
  });

  it('label every runner alert with the runner, so Slack can offer "Rebuild runner"', async () => {
    const tests = await alertTests();
    const runnerAlerts = (await shippedAlerts()).filter((a) => a.group === 'runners');
    expect(runnerAlerts.length).toBeGreaterThan(0);
    for (const { alert } of runnerAlerts) {
      const fired = tests.filter((t) => t.alertname === alert).flatMap((t) => t.exp_alerts);
      expect(fired.length, alert).toBeGreaterThan(0);
      for (const firing of fired) expect(firing.exp_labels?.runner, alert).toMatch(/^gitlab-runner-/);
    }
  });
});
