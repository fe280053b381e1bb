// Issue 18: `/runner reprovision` keeps the runner's capacity. A runner with a job running is
// rebuilt from Slack, approved by a second person, against a real `runnerbot all`, real Redis and
// the simulators (fake VMs with real sshd). The test samples GitLab every few ms: the successor is
// online before the old runner is paused, the old one is deleted only after its job ended, and at
// every instant some online, unpaused runner carries the tags. A successor that fails at bootstrap
// leaves the old runner online and unchanged, and the thread says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/bot/blocks/index.ts';
import type { SimRunner } from '../../sim/gitlab/index.ts';
import { APPROVER, CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({
    mode: 'socket',
    vmFarm: true,
    configure: (config) => {
      // Long enough that only the job's end lets the old runner go; short bootstrap waits so the
      // failing successor gives up within the test.
      const provision = config.provision!;
      provision.timeouts = { ...(provision.timeouts as object), drainJobsSeconds: 300, phaseSeconds: 10 };
      provision.onFailure = 'destroy';
    },
  });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const gitlab = () => s.sims.gitlab;
const command = (text: string, userId = OPERATOR) => slack().sendSlashCommand({ text, userId, channelId: CHANNEL });
const named = (name: string) =>
  gitlab()
    .runners()
    .filter((r) => r.description === name);
const vmsNamed = (name: string) => [...s.sims.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);
const finished = async (runId: string) => ['succeeded', 'failed'].includes((await s.runs.get(runId))?.status ?? '');

async function provision(name: string): Promise<SimRunner> {
  await command(`provision ${name}`);
  await until(async () => (await s.runs.recent(1, name))[0]?.status === 'succeeded', 120_000, `${name} provisioned`);
  return named(name)[0]!;
}

/** Asks for a rebuild and has the approver approve it; resolves with the run id and the card's ts. */
async function approvedRebuild(name: string): Promise<{ runId: string; ts: string }> {
  await command(`reprovision ${name} --reason e2e capacity`);
  const card = await until(
    () =>
      slack()
        .channel(CHANNEL)
        .messages()
        .find((m) => m.text.includes(`reprovision ${name}`) && JSON.stringify(m.blocks).includes(ACTION_IDS.approve)),
    30_000,
    'the approval card',
  );
  const runId = /"value":"([^"]+)"/.exec(JSON.stringify(card.blocks))![1]!;
  await slack().sendBlockAction({
    userId: APPROVER,
    channelId: CHANNEL,
    messageTs: card.ts,
    actionId: ACTION_IDS.approve,
  });
  return { runId, ts: card.ts };
}

const threadText = (ts: string) =>
  slack()
    .thread(CHANNEL, ts)
    .map((m) => m.text + JSON.stringify(m.blocks))
    .join('\n');

/** GitLab's runners every few ms, as the test saw them. */
function sampleGitlab(tags: string[]) {
  const samples: { at: number; serving: SimRunner[]; runners: SimRunner[] }[] = [];
  const timer = setInterval(() => {
    const runners = gitlab().runners();
    const serving = runners.filter(
      (r) => !r.paused && gitlab().isOnline(r.id) && tags.every((t) => r.tagList.includes(t)),
    );
    samples.push({ at: Date.now(), serving, runners });
  }, 3);
  return { samples, stop: () => clearInterval(timer) };
}

const firstAt = (samples: ReturnType<typeof sampleGitlab>['samples'], seen: (runners: SimRunner[]) => boolean) =>
  samples.find((x) => seen(x.runners))?.at ?? Infinity;

describe('/runner reprovision (replace then retire)', () => {
  it('brings the successor online before pausing the old runner, waits for its job, and never leaves the tags unserved', async () => {
    const NAME = 'gitlab-runner-07';
    const old = await provision(NAME);
    const oldVm = vmsNamed(NAME)[0]!.vmid;
    const job = gitlab().addJob(old.id, { name: 'long-build' });
    const sampler = sampleGitlab(old.tagList);
    const { runId, ts } = await approvedRebuild(NAME);

    // The old runner is paused (the successor is online by then) and drains: the thread names its job.
    await until(() => named(NAME)[0]?.paused, 120_000, 'the old runner paused');
    await until(() => threadText(ts).includes(`1 job still running: #${job.id} long-build`), 30_000, 'the drain note');
    await new Promise((r) => setTimeout(r, 1500));
    expect(named(NAME).map((r) => r.id)).toEqual([old.id]);
    const endedAt = Date.now();
    gitlab().finishJob(old.id, job.id);

    await until(() => finished(runId), 120_000, 'the rebuild to finish');
    sampler.stop();
    expect((await s.runs.get(runId))?.status).toBe('succeeded');

    const { samples } = sampler;
    const successorOnline = firstAt(samples, (rs) =>
      rs.some((r) => r.description === `${NAME}.next` && gitlab().isOnline(r.id)),
    );
    const oldPaused = firstAt(samples, (rs) => rs.some((r) => r.id === old.id && r.paused));
    const oldGone = firstAt(samples, (rs) => !rs.some((r) => r.id === old.id));
    expect(successorOnline).toBeLessThan(oldPaused);
    expect(oldGone).toBeGreaterThan(endedAt);
    expect(samples.length).toBeGreaterThan(100);
    expect(samples.filter((x) => x.serving.length === 0)).toEqual([]);

    // The name now belongs to the successor everywhere, and nothing is left of the old one.
    const [now] = named(NAME);
    expect(named(NAME)).toHaveLength(1);
    expect(now!.id).not.toBe(old.id);
    expect(gitlab().isOnline(now!.id)).toBe(true);
    expect(now!.tagList.toSorted()).toEqual(old.tagList.toSorted());
    expect(vmsNamed(NAME).map((vm) => vm.vmid)).not.toContain(oldVm);
    expect(vmsNamed(NAME)).toHaveLength(1);
    expect(vmsNamed(`${NAME}.next`)).toEqual([]);
    expect(named(`${NAME}.next`)).toEqual([]);
    const run = (await s.runs.get(runId))!;
    expect(run.outputs).toMatchObject({ vmid: vmsNamed(NAME)[0]!.vmid, runnerId: now!.id });
    const sd = (await (await fetch(`${s.runnerbot.url}/sd/runners`)).json()) as {
      targets: string[];
      labels: { runner: string; vmid: string };
    }[];
    expect(sd.filter((g) => g.labels.runner === NAME).map((g) => g.labels.vmid)).toEqual(
      Array(3).fill(String(run.outputs.vmid)),
    );
    expect(sd.flatMap((g) => g.targets)).toContain(`${run.outputs.ip}:9252`);
  }, 300_000);

  it('leaves the old runner online and unchanged when the successor fails at bootstrap, and says so', async () => {
    const NAME = 'gitlab-runner-08';
    const old = await provision(NAME);
    const oldVm = vmsNamed(NAME)[0]!;
    const before = { vmid: oldVm.vmid, config: { ...oldVm.config } };
    const { runId, ts } = await approvedRebuild(NAME);

    // The successor's VM boots with another apt holding the dpkg lock, and never lets it go.
    const farm = s.sims.farm!;
    const successor = await until(
      () => farm.list().find((vm) => vm.name === `${NAME}.next`),
      120_000,
      'the successor VM booted',
    );
    await farm.writeFile(successor.vmid, '/var/lib/sim/dpkg-lock-held', '');

    await until(() => finished(runId), 180_000, 'the rebuild to fail');
    const run = (await s.runs.get(runId))!;
    expect(run).toMatchObject({ status: 'failed', error: { step: 'successor:bootstrap-docker' } });
    const [still] = named(NAME);
    expect(named(NAME)).toHaveLength(1);
    expect(still).toMatchObject({ id: old.id, paused: false, description: NAME, tagList: old.tagList });
    expect(gitlab().isOnline(old.id)).toBe(true);
    expect(vmsNamed(NAME).map((vm) => ({ vmid: vm.vmid, config: vm.config }))).toEqual([before]);
    expect(vmsNamed(`${NAME}.next`)).toEqual([]);
    expect(named(`${NAME}.next`)).toEqual([]);
    await until(
      () => threadText(ts).includes(`${NAME} keeps serving, untouched`),
      30_000,
      'the failure reply saying the old runner keeps serving',
    );
  }, 300_000);
});
