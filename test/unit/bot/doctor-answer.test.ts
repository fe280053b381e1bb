// `/runner doctor`'s answer: a summary, then failures (with their fix) before passes, and no
// user:password part of any URL a check names.
import { describe, expect, it } from 'vitest';
import { doctorReply } from '../../../src/bot/answers/doctor.ts';
import { fitMessage } from '../../../src/bot/blocks/limits.ts';

const sectionTexts = (reply: ReturnType<typeof doctorReply>): string =>
  (reply.blocks ?? []).map((b) => (b as { text: { text: string } }).text.text).join('\n');

describe('doctorReply', () => {
  it('puts the failures and their fixes first', () => {
    const reply = doctorReply([
      { ok: true, name: 'proxmox', detail: 'reachable at https://pve.example:8006' },
      { ok: false, name: 'proxmox template for pve2', detail: 'template 9000 is on pve1', fix: 'make one on pve2' },
    ]);
    expect(reply.text).toBe(':x: runnerbot doctor: 1 of 2 checks failed');
    expect(sectionTexts(reply).split('\n')).toEqual([
      ':x: runnerbot doctor: 1 of 2 checks failed',
      '✗ *proxmox template for pve2*: template 9000 is on pve1',
      '        fix: make one on pve2',
      '✓ *proxmox*: reachable at https://pve.example:8006',
    ]);
  });

  it('says when every check passed', () => {
    expect(doctorReply([{ ok: true, name: 'redis', detail: 'fine' }]).text).toBe(
      ':white_check_mark: runnerbot doctor: all 1 checks passed',
    );
  });

  it('never shows the user and password of a URL', () => {
    const reply = doctorReply([
      { ok: false, name: 'redis', detail: 'redis://default:hunter2@10.0.0.5:6379 refused', fix: 'check REDIS_URL' },
    ]);
    expect(JSON.stringify(reply)).not.toContain('hunter2');
    expect(sectionTexts(reply)).toContain('redis://10.0.0.5:6379 refused');
  });

  it('packs many lines into sections Slack accepts, keeping every failure', () => {
    const checks = Array.from({ length: 80 }, (_, i) => ({
      ok: i % 10 !== 0,
      name: `proxmox privileges on /storage/store-${i}`,
      detail: 'Datastore.AllocateSpace, Datastore.Audit '.repeat(2),
      ...(i % 10 === 0 ? { fix: `pveum acl modify /storage/store-${i} --roles Runnerbot --tokens x` } : {}),
    }));
    const fitted = fitMessage(doctorReply(checks));
    const text = sectionTexts(fitted);
    for (let i = 0; i < 80; i += 10) expect(text).toContain(`/storage/store-${i} --roles`);
    for (const block of fitted.blocks ?? [])
      expect((block as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
  });
});
