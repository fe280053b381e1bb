// Issue 19, part 2: every new runner proven by a pipeline. `runnerbot validation install` commits
// the shipped jobs into a GitLab project; a `/runner provision` (signed Slack request, a real
// `runnerbot all` with its workers) then runs that project's pipeline pinned to the new runner,
// whose fake VM's gitlab-runner takes the jobs over GitLab's job API and reports them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/bot/blocks/index.ts';
import { CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';
import { runnerbotCli } from './support/runnerbot-cli.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'socket', validation: true });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const PROJECT = 1;
const JOBS = ['deploy-dry-run', 'docker-build', 'runner-health'];
const runnerNamed = (name: string) => s.sims.gitlab.runners().find((r) => r.description === name);

/** The run's last reply in its thread (the summary or the failure), once the run has ended. */
async function lastReply(runner: string) {
  const ended = /^(✅|❌) /;
  const root = await until(
    () =>
      slack()
        .channel(CHANNEL)
        .messages()
        .find((m) => m.text.includes(`provision ${runner}`)),
    30_000,
    `the root message of provision ${runner}`,
  );
  return until(
    () =>
      slack()
        .thread(CHANNEL, root.ts)
        .find((m) => m.ts !== root.ts && ended.test(m.text)),
    150_000,
    `the end of provision ${runner} in its thread`,
  );
}

const provision = (name: string) =>
  slack().sendSlashCommand({ text: `provision ${name}`, userId: OPERATOR, channelId: CHANNEL });

describe('validation', () => {
  it('installs the shipped jobs into the validation project once', async () => {
    const first = await runnerbotCli(['validation', 'install'], s.env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('created .gitlab-ci.yml in project 1 (main)');
    for (const job of JOBS) expect(first.stdout).toContain(`created validation/${job}.gitlab-ci.yml`);
    const files = s.sims.gitlab.files(PROJECT, 'main');
    const shipped = readFileSync(new URL('../../validation/docker-build.gitlab-ci.yml', import.meta.url), 'utf8');
    expect(files['validation/docker-build.gitlab-ci.yml']).toBe(shipped);

    const again = await runnerbotCli(['validation', 'install'], s.env);
    expect(again).toMatchObject({ code: 0, stdout: 'project 1 (main) already holds the validation jobs\n' });
    const commits = s.sims.gitlab.requests().filter((r) => r.operationId === 'postApiV4ProjectsIdRepositoryCommits');
    expect(commits).toHaveLength(1);
  }, 60_000);

  it('shows the three jobs passed in the thread, and the runner gets its profile tags', async () => {
    await provision('gitlab-runner-31');
    const summary = await lastReply('gitlab-runner-31');
    expect(summary.text).toMatch(/✅ .*done/);
    const blocks = JSON.stringify(summary.blocks);
    expect(blocks).toMatch(
      /\*Validation\* <http:\/\/127\.0\.0\.1:\d+\/platform\/runner-validation\/-\/pipelines\/\d+\|pipeline #\d+>: success/,
    );
    for (const job of JOBS) expect(blocks).toMatch(new RegExp(`✅ <http://[^|]+/-/jobs/\\d+\\|${job}>: success`));

    const runner = runnerNamed('gitlab-runner-31')!;
    expect(runner).toMatchObject({ paused: false, runUntagged: false });
    expect(runner.tagList).not.toContain('runnerbot-gitlab-runner-31');
    const pipeline = s.sims.gitlab.pipelines().at(-1)!;
    expect(pipeline.variables).toEqual({ RUNNERBOT_VALIDATION_TAG: 'runnerbot-gitlab-runner-31' });
    expect(pipeline.jobs.map((j) => [j.name, j.status, j.runnerId, j.trace.length > 0]).sort()).toEqual(
      JOBS.map((name) => [name, 'success', runner.id, true]),
    );
  }, 180_000);

  it('a failing job leaves the runner paused and the run failed with Retry; Retry validates again', async () => {
    const broken = s.sims.gitlab.files(PROJECT, 'main')['validation/docker-build.gitlab-ci.yml']!;
    s.sims.gitlab.pushFiles(PROJECT, 'main', {
      'validation/docker-build.gitlab-ci.yml': broken.replace(
        '    - docker info',
        '    - docker info || exit 1\n    - exit 1',
      ),
    });
    await provision('gitlab-runner-32');
    const failure = await lastReply('gitlab-runner-32');
    expect(failure.text).toMatch(/failed at step `validate`/);
    expect(failure.text).toContain('VALIDATION.FAILED');
    expect(failure.text).toMatch(/docker-build \(failed\)/);
    const blocks = JSON.stringify(failure.blocks);
    expect(blocks).toMatch(/❌ <http:\/\/[^|]+\/-\/jobs\/\d+\|docker-build>: failed/);
    expect(blocks).toMatch(/✅ <http:\/\/[^|]+\/-\/jobs\/\d+\|runner-health>: success/);
    expect(blocks).toContain(ACTION_IDS.retry);
    expect(blocks).toContain(ACTION_IDS.deprovision);
    const runner = runnerNamed('gitlab-runner-32')!;
    expect(runner).toMatchObject({ paused: true, runUntagged: false, tagList: ['runnerbot-gitlab-runner-32'] });

    // Fixed in the project, Retry runs a new pipeline on the same runner and succeeds.
    s.sims.gitlab.pushFiles(PROJECT, 'main', { 'validation/docker-build.gitlab-ci.yml': broken });
    const pipelinesBefore = s.sims.gitlab.pipelines().length;
    await slack().sendBlockAction({
      userId: OPERATOR,
      channelId: CHANNEL,
      messageTs: failure.ts,
      actionId: ACTION_IDS.retry,
    });
    // The profile's tags replace the validation tag only once the pipeline passed.
    await until(
      () => {
        const r = runnerNamed('gitlab-runner-32');
        return r && !r.paused && !r.tagList.includes('runnerbot-gitlab-runner-32') ? r : undefined;
      },
      150_000,
      'the retried runner validated, unpaused and given its profile tags',
    );
    const retried = s.sims.gitlab.pipelines().slice(pipelinesBefore);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.jobs.every((j) => j.status === 'success' && j.runnerId === runner.id)).toBe(true);
  }, 300_000);
});
