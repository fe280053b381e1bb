// What a person does on the sandbox page, as Playwright steps: pick who they are, type a slash
// command, open a channel or a thread, click a message's button (through its confirm dialog).
import type { Locator, Page } from 'playwright-core';

/** Long enough for a provision against the simulators (ms delays, Slack's 1 message/s per channel). */
export const LONG = 30_000;

export class SandboxPage {
  constructor(readonly page: Page) {}

  async actAs(userName: string): Promise<void> {
    await this.page.locator('#people label', { hasText: `@${userName}` }).click();
  }

  async openChannel(name: string): Promise<void> {
    await this.page.locator('#channels a', { hasText: `# ${name}` }).click();
  }

  async slash(command: string): Promise<void> {
    await this.page.fill('#composer-input', command);
    await this.page.press('#composer-input', 'Enter');
  }

  /** The top-level message (or ephemeral) holding `text`, waited for, then pinned by its ts (its text will change). */
  async message(text: string | RegExp, timeout = LONG): Promise<Locator> {
    const message = this.page.locator('#messages > .message', { hasText: text }).last();
    await message.waitFor({ timeout });
    return this.page.locator(`#messages > .message[data-ts="${await message.getAttribute('data-ts')}"]`);
  }

  async ephemeral(text: string | RegExp, timeout = LONG): Promise<Locator> {
    const message = this.page.locator('.message.ephemeral', { hasText: text }).last();
    await message.waitFor({ timeout });
    return message;
  }

  /** Opens the message's thread if it is closed; returns the thread. */
  async thread(message: Locator): Promise<Locator> {
    const toggle = message.locator('> .content > .thread-toggle');
    await toggle.waitFor({ timeout: LONG });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return message.locator('> .content > .thread');
  }

  /** Clicks a button on the message. */
  async click(message: Locator, buttonText: string): Promise<void> {
    await message.locator('> .content > .body .block-button', { hasText: buttonText }).click();
  }

  /** Clicks a button that asks first; accepts Slack's confirm dialog and returns what it said. */
  async clickAndConfirm(message: Locator, buttonText: string): Promise<string> {
    await this.click(message, buttonText);
    const dialog = this.page.locator('dialog#confirm[open]');
    await dialog.waitFor({ timeout: 5000 });
    const said = (await dialog.innerText()).trim();
    await dialog.locator('#confirm-ok').click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    return said;
  }

  vmRow(name: string): Locator {
    return this.page.locator(`#vms tr[data-name="${name}"]`);
  }

  /** Takes a screenshot with `top` (if given) scrolled to the top of the channel. */
  async screenshot(path: string, top?: Locator): Promise<void> {
    await top?.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await this.page.screenshot({ path, fullPage: false });
  }
}
