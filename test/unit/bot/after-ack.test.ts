import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAfterAck } from '../../../src/bot/after-ack.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the after-ack lane', () => {
  it('starts one task per turn of the event loop, in order, and is idle once all have finished', async () => {
    const lane = createAfterAck(pino({ level: 'silent' }));
    const started: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    for (const n of [1, 2, 3])
      lane.run(async () => {
        started.push(n);
        await gate;
      });
    expect(started).toEqual([]);
    await turn();
    expect(started).toEqual([1]);
    await turn();
    expect(started).toEqual([1, 2]);
    let idle = false;
    const done = lane.idle().then(() => (idle = true));
    await turn();
    expect(started).toEqual([1, 2, 3]);
    expect(idle).toBe(false);
    release();
    await done;
    expect(idle).toBe(true);
  });

  it('logs a failed task and goes on with the next', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const lane = createAfterAck(logger);
    const ran: string[] = [];
    lane.run(async () => {
      throw new Error('Redis went away');
    });
    lane.run(async () => void ran.push('second'));
    await lane.idle();
    expect(ran).toEqual(['second']);
    expect(lines.join('')).toContain('Redis went away');
  });
});
