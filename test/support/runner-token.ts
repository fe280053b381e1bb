// The runner token a fake VM's config.toml holds, and whether GitLab takes it: read by the test
// only, to prove a rotation (the old token refused, the new one accepted) without runnerbot's help.
import type { VmFarm } from '../../sim/vm/index.ts';

export async function vmToken(farm: VmFarm, vmid: number): Promise<string> {
  const toml = (await farm.readFile(vmid, '/etc/gitlab-runner/config.toml')) ?? '';
  const token = /^\s*token\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!token) throw new Error(`VM ${vmid} has no token in config.toml`);
  return token;
}

/** GitLab's answer to `POST /runners/verify` with the token, as gitlab-runner would send it. */
export async function gitlabTakes(gitlab: { url: string }, token: string): Promise<boolean> {
  const res = await fetch(`${gitlab.url}/api/v4/runners/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  await res.body?.cancel();
  if (res.status !== 200 && res.status !== 403) throw new Error(`verify answered ${res.status}`);
  return res.status === 200;
}
