// Issue 4: after a provision and an approved deprovision done by a real worker process, the real
// `runnerbot audit --runner gitlab-runner-02` prints that runner's whole history, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPROVISION_STEPS, planFor } from '../../src/core/plan.ts';
import { FINAL_STATUSES, type RunRecord } from '../../src/core/run.ts';
import { fleetProblems } from './support/fleet-check.ts';
import { APPROVER, OPERATOR, startJobsWorld, type JobsWorld } from './support/jobs-world.ts';
import { runnerbotCli } from './support/runnerbot-cli.ts';

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld();
}, 120_000);
afterAll(() => world?.close(), 60_000);

async function accepted(outcome: Awaited<ReturnType<JobsWorld['request']>>): Promise<RunRecord> {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value.run;
}

const succeeded = async (run: RunRecord) => {
  const finished = await world.waitForRun(run.id, (r) => FINAL_STATUSES.includes(r.status), 'to an end');
  expect(finished.status).toBe('succeeded');
  return finished;
};

interface AuditLine {
  at: string;
  type: string;
  runner: string;
  runId: string;
  actor: string;
  detail: Record<string, string>;
}

/** One printed line: time, type, runner, run id, actor, then key=value details. */
function parseLine(line: string): AuditLine {
  const [at = '', type = '', runner = '', runId = '', actor = '', details = ''] = line.split(/ {2,}/);
  return {
    at,
    type,
    runner,
    runId,
    actor,
    detail: Object.fromEntries(
      details
        .split(' ')
        .filter(Boolean)
        .map((pair) => pair.split(/=(.*)/s, 2) as [string, string]),
    ),
  };
}

describe('runnerbot audit --runner', () => {
  it('prints the request, every step with its UPID and runner id, the approval and each job end, in order', async () => {
    await world.startWorker('worker');
    const [provision, other] = await Promise.all([
      world.request('provision', 'gitlab-runner-02', OPERATOR).then(accepted),
      world.request('provision', 'gitlab-runner-05', OPERATOR).then(accepted),
    ]);
    const [provisioned] = await Promise.all([succeeded(provision), succeeded(other)]);
    const deprovision = await accepted(await world.request('deprovision', 'gitlab-runner-02', OPERATOR));
    expect(deprovision.status).toBe('awaiting_approval');
    expect(await world.approve(deprovision.id, APPROVER)).toMatchObject({ ok: true });
    await succeeded(deprovision);
    expect(fleetProblems(world.sims)).toEqual([]);

    const result = await runnerbotCli(['audit', '--runner', 'gitlab-runner-02', '--verbose'], world.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n').map(parseLine);

    const p = provision.id;
    const d = deprovision.id;
    expect(lines.map((l) => [l.type, l.runId, l.detail.step ?? l.detail.decision ?? l.detail.kind])).toEqual([
      ['request', p, 'provision'],
      ...planFor('provision').map((step) => ['step', p, step]),
      ['job-end', p, 'provision'],
      ['request', d, 'deprovision'],
      ['approval', d, 'approved'],
      ...DEPROVISION_STEPS.map((step) => ['step', d, step]),
      ['job-end', d, 'deprovision'],
    ]);
    expect(lines.every((l) => l.runner === 'gitlab-runner-02')).toBe(true);
    expect(lines.map((l) => l.at)).toEqual(lines.map((l) => l.at).sort());

    const byStep = (runId: string, step: string) => lines.find((l) => l.runId === runId && l.detail.step === step)!;
    expect(lines[0]).toMatchObject({ actor: OPERATOR, detail: { via: 'slack', awaitingApproval: 'false' } });
    const upid = byStep(p, 'clone').detail.upid!;
    expect(upid).toBe(provisioned.outputs.cloneUpid);
    expect(world.sims.proxmox.tasks.get(upid)).toMatchObject({ type: 'qmclone', exitstatus: 'OK' });
    const runnerId = String(provisioned.outputs.runnerId);
    expect(byStep(p, 'create-runner').detail).toMatchObject({
      applied: 'true',
      runnerId,
      vmid: String(provisioned.outputs.vmid),
    });
    expect(byStep(d, 'delete-runner').detail).toMatchObject({ applied: 'true', runnerId });
    expect(
      world.sims.gitlab.requests().some((r) => r.method === 'DELETE' && r.path === `/api/v4/runners/${runnerId}`),
    ).toBe(true);
    expect(lines.find((l) => l.type === 'approval')).toMatchObject({ actor: APPROVER });
    expect(lines.filter((l) => l.type === 'job-end').map((l) => l.detail.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(result.stdout).not.toMatch(/glrt-/);

    // By default: one aligned line per run, with a relative time and the outcome.
    const quiet = await runnerbotCli(['audit', 'gitlab-runner-02'], world.env);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = quiet.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^WHEN +WHO +WHAT +RUNNER +OUTCOME +RUN$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      new RegExp(
        `^(just now|\\d+ s ago|\\d+ min ago) +${OPERATOR} +provision +gitlab-runner-02 +succeeded in [\\d a-z]+ \\(16 steps\\) +${p}$`,
      ),
    );
    expect(rows[1]).toMatch(
      new RegExp(
        `${OPERATOR} +deprovision +gitlab-runner-02 +succeeded in [\\d a-z]+ \\(6 steps, approved by ${APPROVER}\\) +${d}$`,
      ),
    );
    for (const row of rows) expect(row.indexOf('gitlab-runner-02')).toBe(header!.indexOf('RUNNER'));

    const json = await runnerbotCli(['audit', 'gitlab-runner-02', '--json'], world.env);
    expect(JSON.parse(json.stdout)).toHaveLength(lines.length);
  });
});
