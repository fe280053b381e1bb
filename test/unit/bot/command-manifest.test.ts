// manifest.yml declares what the bot's code relies on.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../../src/core/command.ts';
import { SLASH_COMMAND } from '../../../src/bot/listeners/command.ts';

interface Manifest {
  features: {
    slash_commands: { command: string; usage_hint: string; description: string }[];
    app_home: { home_tab_enabled: boolean };
    bot_user: { display_name: string };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean };
    event_subscriptions: { bot_events: string[] };
  };
}

const manifest = parse(readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares /runner with a usage hint naming every subcommand', () => {
    const command = manifest.features.slash_commands[0]!;
    expect(command.command).toBe(SLASH_COMMAND);
    for (const sub of SUBCOMMANDS) expect(command.usage_hint).toContain(sub);
    expect(command.description.length).toBeLessThanOrEqual(100);
  });

  it('asks for exactly the bot scopes of DESIGN §6', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'channels:history',
      'chat:write',
      'chat:write.public',
      'commands',
      'groups:history',
      'usergroups:read',
      'users:read',
    ]);
  });

  it('turns on Socket Mode, interactivity, the App Home tab and app_home_opened', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
  });
});
