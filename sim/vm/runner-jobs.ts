// The job loop of a fake VM's gitlab-runner: while the stand-in's service is running and
// config.toml names a GitLab URL and a token, it asks GitLab for a job (POST /api/v4/jobs/request),
// "runs" it and reports the result the way gitlab-runner does: the trace with PATCH
// /api/v4/jobs/:id/trace, then PUT /api/v4/jobs/:id with the state. A job fails when a line of its
// script runs `exit N` with N > 0; every other job passes. One job at a time; a few ms of CPU each.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunnerJobLoop {
  close(): Promise<void>;
}

interface JobPayload {
  id: number;
  token: string;
  job_info: { name: string };
  steps: { name: string; script: string[] }[];
}

const value = (toml: string, key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"\\s*$`, 'm').exec(toml)?.[1];

async function credentials(root: string): Promise<{ url: string; token: string } | null> {
  const active = await stat(join(root, 'var/lib/sim/units/gitlab-runner.active')).then(
    () => true,
    () => false,
  );
  if (!active) return null;
  const toml = await readFile(join(root, 'etc/gitlab-runner/config.toml'), 'utf8').catch(() => '');
  const url = value(toml, 'url');
  const token = value(toml, 'token');
  return url && token ? { url: url.replace(/\/+$/, ''), token } : null;
}

/** What the job printed and how it ended. */
export function runScript(script: string[]): { trace: string; ok: boolean } {
  const lines: string[] = [];
  for (const line of script) {
    lines.push(`$ ${line}`);
    const exit = /(?:^|[;&|\s])exit\s+(\d+)\b/.exec(line);
    if (exit && Number(exit[1]) > 0) {
      lines.push(`ERROR: Job failed: exit code ${exit[1]}`);
      return { trace: `${lines.join('\n')}\n`, ok: false };
    }
  }
  lines.push('Job succeeded');
  return { trace: `${lines.join('\n')}\n`, ok: true };
}

async function runOne(url: string, token: string): Promise<void> {
  const asked = await fetch(`${url}/api/v4/jobs/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, info: { name: 'gitlab-runner', version: '17.0.0-sim', executor: 'docker' } }),
  });
  if (asked.status !== 201) return void (await asked.body?.cancel());
  const job = (await asked.json()) as JobPayload;
  const { trace, ok } = runScript(job.steps.flatMap((s) => s.script));
  const patched = await fetch(`${url}/api/v4/jobs/${job.id}/trace`, {
    method: 'PATCH',
    headers: {
      'content-type': 'text/plain',
      'job-token': job.token,
      'content-range': `0-${Buffer.byteLength(trace) - 1}`,
    },
    body: trace,
  });
  await patched.body?.cancel();
  const put = await fetch(`${url}/api/v4/jobs/${job.id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: job.token,
      state: ok ? 'success' : 'failed',
      ...(ok ? {} : { failure_reason: 'script_failure', exit_code: 1 }),
    }),
  });
  await put.body?.cancel();
}

export function startRunnerJobLoop(root: string, pollMs: number): RunnerJobLoop {
  let closed = false;
  let busy: Promise<void> | null = null;
  const tick = async () => {
    const creds = await credentials(root);
    if (creds && !closed) await runOne(creds.url, creds.token);
  };
  // A poll still running when the next is due is not doubled up (gitlab-runner's check_interval).
  const timer = setInterval(() => {
    busy ??= tick()
      .catch(() => undefined)
      .finally(() => (busy = null));
  }, pollMs);
  timer.unref();
  return {
    close: async () => {
      closed = true;
      clearInterval(timer);
      await busy;
    },
  };
}
