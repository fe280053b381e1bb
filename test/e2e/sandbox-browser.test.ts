// The sandbox as a newcomer meets it: `npm run sandbox`, open the printed URL in a browser,
// provision a runner, rebuild it with a second person's approval, fire an alert and silence it.
// Drives Debian's Chromium through playwright-core; nothing downloads a browser.
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG, SandboxPage } from './sandbox-page.ts';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.ts';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const README_SHOT = fileURLToPath(new URL('../../docs/sandbox.png', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let sandbox: SandboxProcess;
let browser: Browser;
let ui: SandboxPage;
let firstVmid: string;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  sandbox = await startSandboxProcess();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(sandbox.url);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 10_000 });
  ui = new SandboxPage(page);
});

afterAll(async () => {
  await browser?.close();
  if (sandbox) await sandbox.interrupt();
});

describe('npm run sandbox, in a browser', () => {
  it('prints one URL, and the page draws the workspace, who you can be, and the fleet', async () => {
    expect(sandbox.output().match(/https?:\/\//g)).toHaveLength(1);
    expect(sandbox.output()).not.toMatch(/skipped:/);
    expect(await ui.page.locator('#channels a').allInnerTexts()).toEqual(['# runners', '# runner-alerts']);
    expect(await ui.page.locator('#people label').allInnerTexts()).toEqual([
      expect.stringContaining('Olivia (operator)'),
      expect.stringContaining('Arjun (approver)'),
      expect.stringContaining('Sam (stranger)'),
    ]);
    await ui.page.locator('#vms tr[data-vmid="9000"]', { hasText: 'template' }).waitFor();
    await ui.page.locator('#runnerbot-status', { hasText: 'healthy' }).waitFor();
    await ui.screenshot(`${SHOTS}01-start.png`);
  });

  it('sends a slash command the way Slack does, and shows the answer only to whoever typed it', async () => {
    await ui.actAs('olivia');
    await ui.slash('/runner help');
    const answer = await ui.ephemeral(/reprovision/);
    expect(await answer.innerText()).toContain('Only visible to you');
    await ui.actAs('sam');
    expect(await ui.page.locator('.message.ephemeral', { hasText: /reprovision/ }).count()).toBe(0);
  });

  it('provisions gitlab-runner-02: the thread tells the whole story, the VM and the GitLab runner appear', async () => {
    await ui.actAs('olivia');
    await ui.slash('/runner provision gitlab-runner-02');
    const root = await ui.message(/Provision gitlab-runner-02: done/);
    const thread = await ui.thread(root);
    await thread.locator('.message', { hasText: /gitlab-runner-02.*is online/ }).waitFor({ timeout: LONG });
    await ui.vmRow('gitlab-runner-02').locator('.status-running').waitFor({ timeout: LONG });
    firstVmid = (await ui.vmRow('gitlab-runner-02').getAttribute('data-vmid'))!;
    await ui.page.locator('#runners tr[data-description="gitlab-runner-02"]').waitFor({ timeout: LONG });
    await ui.screenshot(`${SHOTS}02-provisioned.png`, root);
  });

  it('rebuilds it only with a second person: the requester and a stranger are refused, the approver is not', async () => {
    await ui.slash('/runner reprovision gitlab-runner-02 --reason sandbox tour');
    const card = await ui.message(/Reprovision gitlab-runner-02: waiting for approval/);

    const dialog = await ui.clickAndConfirm(card, 'Approve');
    expect(dialog).toMatch(/destroyed and rebuilt/);
    await ui.ephemeral(/someone else must approve/);

    await ui.actAs('sam');
    await ui.clickAndConfirm(card, 'Approve');
    await ui.ephemeral(/only .* can approve/);
    expect(await card.locator('.block-button', { hasText: 'Approve' }).count()).toBe(1);

    await ui.actAs('arjun');
    await ui.clickAndConfirm(card, 'Approve');
    await card.filter({ hasText: 'Approved by @arjun' }).waitFor({ timeout: LONG });
    expect(await card.locator('.block-button').count()).toBe(0);
    await card.filter({ hasText: /Reprovision gitlab-runner-02: done/ }).waitFor({ timeout: LONG });
    const row = ui.page.locator(`#vms tr[data-name="gitlab-runner-02"]:not([data-vmid="${firstVmid}"])`);
    await row.locator('.status-running').waitFor({ timeout: LONG });
    await ui.page.locator(`#vms tr[data-vmid="${firstVmid}"]`).waitFor({ state: 'detached', timeout: LONG });
    // The panel shows the runner GitLab has now: the card's id, the profile's tags, a contact.
    const runnerId = /GitLab runner\s*#(\d+)/.exec(await card.innerText())?.[1];
    const runnerRow = ui.page.locator(`#runners tr[data-description="gitlab-runner-02"][data-runner-id="${runnerId}"]`);
    await runnerRow.filter({ hasText: /s ago|min ago/ }).waitFor({ timeout: LONG });
    expect(await runnerRow.locator('td').allInnerTexts()).toEqual([
      `#${runnerId}`,
      'gitlab-runner-02',
      'docker, linux',
      expect.stringMatching(/ago$/),
    ]);
    expect(await ui.page.locator('#runners tbody tr').count()).toBe(1);
    await ui.thread(card);
    await ui.screenshot(`${SHOTS}03-rebuilt.png`, card);
    // The README's picture is refreshed on request only, so a test run leaves the checkout as it was.
    if (process.env.UPDATE_README_SCREENSHOT) await copyFile(`${SHOTS}03-rebuilt.png`, README_SHOT);
  });

  it('fails a provision on purpose: the thread shows the failure card, and its Retry finishes the runner', async () => {
    await ui.actAs('olivia');
    await ui.page.click('#fail-next');
    await ui.page.locator('#fail-status', { hasText: 'the next provision will fail' }).waitFor();
    await ui.slash('/runner provision gitlab-runner-03');
    const root = await ui.message(/Provision gitlab-runner-03: failed/);
    const thread = await ui.thread(root);
    const failure = thread.locator('.message', { hasText: /failed at step create-runner/ });
    await failure.waitFor({ timeout: LONG });
    expect(await failure.innerText()).toMatch(/GITLAB\.FORBIDDEN[^]*403 Forbidden[^]*Left behind: VM \d+ on pve1/);
    await ui.screenshot(`${SHOTS}04-failed.png`, root);

    await failure.locator('.block-button', { hasText: 'Retry' }).click();
    const retried = await ui.message(/Provision gitlab-runner-03: done/);
    expect(await ui.page.locator('#vms tr[data-name="gitlab-runner-03"]').count()).toBe(1);
    await ui.page.locator('#runners tr[data-description="gitlab-runner-03"]').waitFor({ timeout: LONG });
    await ui.screenshot(`${SHOTS}05-retried.png`, retried);
  });

  it('fires RunnerDown: one message in #runner-alerts, silenced from Slack in Alertmanager', async () => {
    await ui.actAs('olivia');
    await ui.page.fill('#alert-runner', 'gitlab-runner-02');
    await ui.page.click('#fire-alert');
    await ui.openChannel('runner-alerts');
    const alert = await ui.message(/RunnerDown[^]*gitlab-runner-02/);
    const dialog = await ui.clickAndConfirm(alert, 'Silence 1h');
    expect(dialog).toMatch(/alertname="RunnerDown"[^]*runner="gitlab-runner-02"/);
    const thread = await ui.thread(alert);
    await thread.locator('.message', { hasText: /@olivia silenced this group for 1h/ }).waitFor({ timeout: LONG });
    await ui.page
      .locator('#alertmanager .am-silence', { hasText: 'runner="gitlab-runner-02"' })
      .waitFor({ timeout: LONG });
    await ui.screenshot(`${SHOTS}06-silenced.png`, alert);
  });

  it('resolves an alert: the same message turns RESOLVED', async () => {
    await ui.page.fill('#alert-runner', 'gitlab-runner-09');
    await ui.page.click('#fire-alert');
    const alert = await ui.message(/gitlab-runner-09/);
    await ui.page.click('#resolve-alert');
    await alert.filter({ hasText: 'RESOLVED' }).waitFor({ timeout: LONG });
    expect(await ui.page.locator('#messages > .message', { hasText: /gitlab-runner-09/ }).count()).toBe(1);
    await ui.screenshot(`${SHOTS}07-resolved.png`, alert);
  });

  it('stops everything on Ctrl-C', async () => {
    const dir = /configuration and log: (\S+)/.exec(sandbox.output())?.[1];
    expect(dir && existsSync(dir)).toBe(true);
    await sandbox.interrupt();
    expect(sandbox.output()).toMatch(/sandbox: SIGINT: stopping\nsandbox: stopped\n/);
    expect(existsSync(dir!)).toBe(false);
  });
});
