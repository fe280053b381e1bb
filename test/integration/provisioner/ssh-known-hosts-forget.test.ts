import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHostKey, forgetHostKey } from '../../../src/provisioner/ssh/known-hosts.ts';

const blob = (name: string) => {
  const type = Buffer.from('ssh-ed25519');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(type.length);
  return Buffer.concat([len, type, Buffer.from(name)]);
};

describe('forgetHostKey', () => {
  it('lets a rebuilt VM on the same address be trusted anew, and keeps other hosts', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
    expect(checkHostKey('accept-new', file, '10.0.0.5', 22, blob('old'))).toBe('added');
    expect(checkHostKey('accept-new', file, '10.0.0.6', 22, blob('other'))).toBe('added');
    expect(checkHostKey('accept-new', file, '10.0.0.5', 22, blob('new'))).toBe('changed');
    forgetHostKey(file, '10.0.0.5', 22);
    expect(checkHostKey('accept-new', file, '10.0.0.5', 22, blob('new'))).toBe('added');
    expect(checkHostKey('accept-new', file, '10.0.0.6', 22, blob('other'))).toBe('trusted');
    writeFileSync(file, `# comment\n${readFileSync(file, 'utf8')}`);
    forgetHostKey(file, '10.0.0.6', 22);
    expect(readFileSync(file, 'utf8')).toMatch(/^# comment\n10\.0\.0\.5 ssh-ed25519 /);
  });
});
