import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { auditCommand } from '../../../src/composition/audit.ts';
import { createRedisAuditLog, readAudit } from '../../../src/jobs/redis-audit-log.ts';
import { withTestRedis } from './harness/test-redis.ts';

let redis: Redis;
let prefix: string;

withTestRedis((r, p) => ((redis = r), (prefix = p)));

async function runAudit(argv: string[], now?: () => number): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await auditCommand(argv, { redis, prefix, out: (line) => lines.push(line), ...(now ? { now } : {}) });
  return { code, lines };
}

describe('audit trail', () => {
  it('reads back every entry in order, across pages', async () => {
    const audit = createRedisAuditLog(redis, prefix);
    for (let i = 0; i < 600; i++) await audit.append({ type: 'step', runId: 'r_1', runner: 'rb-01', detail: { n: i } });
    const entries = await readAudit(redis, prefix);
    expect(entries.map((e) => e.detail.n)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('prints the whole history of one runner in order', async () => {
    const audit = createRedisAuditLog(redis, prefix);
    await audit.append({
      type: 'request',
      runId: 'r_1',
      runner: 'gitlab-runner-02',
      actor: 'U0ALICE',
      detail: { kind: 'reprovision' },
    });
    await audit.append({
      type: 'request',
      runId: 'r_9',
      runner: 'gitlab-runner-09',
      actor: 'U0BOB',
      detail: { kind: 'provision' },
    });
    await audit.append({
      type: 'approval',
      runId: 'r_1',
      runner: 'gitlab-runner-02',
      actor: 'U0CAROL',
      detail: { decision: 'approved' },
    });
    await audit.append({
      type: 'step',
      runId: 'r_1',
      runner: 'gitlab-runner-02',
      detail: { step: 'clone', applied: true, upid: 'UPID:pve1:0001:clone:' },
    });
    await audit.append({
      type: 'job-end',
      runId: 'r_1',
      runner: 'gitlab-runner-02',
      detail: { outcome: 'succeeded', runnerId: 42 },
    });

    const { code, lines } = await runAudit(['--runner', 'gitlab-runner-02', '--verbose']);
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}request {7}gitlab-runner-02 {2}r_1 {2}U0ALICE {2}kind=reprovision$/,
    );
    expect(lines[1]).toContain('approval      gitlab-runner-02  r_1  U0CAROL  decision=approved');
    expect(lines[2]).toContain(
      'step          gitlab-runner-02  r_1  -  step=clone applied=true upid=UPID:pve1:0001:clone:',
    );
    expect(lines[3]).toContain('job-end       gitlab-runner-02  r_1  -  outcome=succeeded runnerId=42');
    expect((await runAudit(['--verbose'])).lines).toHaveLength(5);
    expect((await runAudit(['gitlab-runner-02', '--verbose'])).lines).toEqual(lines);
  });

  it('shows only entries newer than --since', async () => {
    const audit = createRedisAuditLog(redis, prefix);
    await audit.append({ type: 'request', runId: 'r_old', runner: 'rb-01', detail: {} });
    const [first] = await readAudit(redis, prefix);
    const firstMs = first!.at;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await audit.append({ type: 'request', runId: 'r_new', runner: 'rb-01', detail: {} });

    const now = () => firstMs + 7 * 86_400_000 + 1; // a week and a millisecond after the first entry
    const { lines } = await runAudit(['--since=7d', '--verbose'], now);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('  r_new  ');
    expect((await runAudit(['--since', '8d', '--runner', 'rb-01', '--verbose'], now)).lines).toHaveLength(2);
  });

  it('explains a bad option and exits 2', async () => {
    const { code, lines } = await runAudit(['--since', 'yesterday']);
    expect(code).toBe(2);
    expect(lines[0]).toBe('--since: "yesterday" is not a duration like 7d');
    expect(lines[1]).toMatch(/^Usage: runnerbot audit/);
    expect(await runAudit(['--help'])).toEqual({ code: 0, lines: [expect.stringMatching(/^Usage: runnerbot audit/)] });
  });
});
