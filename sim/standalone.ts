// `npm run sim`: the Proxmox VE, GitLab and Slack simulators (and fake runner VMs where sshd can
// run) on this machine, with their URLs and credentials, for trying runnerbot or a client by hand.
// `npm run sandbox` starts these plus Redis, Alertmanager, runnerbot and a page.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNELS, GROUPS, PEOPLE } from '../sandbox/people.ts';
import { detectCapabilities } from '../sandbox/prerequisites.ts';
import { PROXMOX_LAYOUT, startSimulators } from '../sandbox/simulators.ts';

const caps = detectCapabilities();
if (!caps.vmFarm.ok) console.log(`skipped: ${caps.vmFarm.note}`);
const sims = await startSimulators({ vmFarm: caps.vmFarm.ok });
const dir = await mkdtemp(join(tmpdir(), 'runnerbot-sim-'));
const caFile = join(dir, 'proxmox-ca.pem');
await writeFile(caFile, sims.proxmox.caPem);

console.log(`
Proxmox VE  ${sims.proxmox.url}/api2/json
            token id ${sims.proxmox.token.id}   secret (PROXMOX_TOKEN_SECRET) ${sims.proxmox.token.secret}
            CA file ${caFile}
            node ${PROXMOX_LAYOUT.node}, pool ${PROXMOX_LAYOUT.pool}, template VMID ${PROXMOX_LAYOUT.template.vmid}${sims.farm ? `, VMs answer SSH on port ${sims.farm.sshPort}` : ', VMs boot no machine'}
GitLab      ${sims.gitlab.url}   token (GITLAB_TOKEN) ${sims.gitlab.token}
Slack       Web API ${sims.slack.apiUrl} (slack.apiUrl), Socket Mode
            SLACK_BOT_TOKEN ${sims.slack.botToken}
            SLACK_APP_TOKEN ${sims.slack.appToken}
            SLACK_SIGNING_SECRET ${sims.slack.signingSecret}
            channels ${Object.values(CHANNELS)
              .map((c) => `#${c.name} ${c.id}`)
              .join(', ')}
            users ${PEOPLE.map((p) => `${p.name} ${p.id} (${p.role})`).join(', ')}
            groups ${Object.values(GROUPS)
              .map((g) => `@${g.handle} ${g.id}`)
              .join(', ')}
            state ${sims.slack.url}/_sim/state, live changes ${sims.slack.url}/_sim/events

Ctrl-C stops the simulators.`);

await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await sims.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
