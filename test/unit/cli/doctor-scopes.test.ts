// The Slack scopes doctor demands are the bot scopes manifest.yml asks for, no more, no less.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MANIFEST_BOT_SCOPES } from '../../../src/composition/doctor/slack-checks.ts';

describe('runnerbot doctor: Slack scopes', () => {
  it('match the manifest', () => {
    const manifest = parse(readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect([...MANIFEST_BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });
});
