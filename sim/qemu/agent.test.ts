// The guest-agent client speaks qemu-ga's protocol: a guest-sync-delimited handshake whose answer
// follows a 0xFF byte (stale output of an abandoned exchange before it is dropped), then the
// command; an agent error or silence is an error, not a hang.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentCommand } from './agent.ts';

let dir = '';
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function fakeAgent(
  answer: (command: { execute: string; arguments?: { id?: number } }, socket: Socket) => void,
): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'rbt-qga-'));
  const path = join(dir, 'qga.sock');
  server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (d) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        answer(JSON.parse(buffer.slice(0, nl)), socket);
        buffer = buffer.slice(nl + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return path;
}

describe('agentCommand', () => {
  it('drops stale output before the sync mark and returns the command answer', async () => {
    const seen: string[] = [];
    const path = await fakeAgent((cmd, socket) => {
      seen.push(cmd.execute);
      if (cmd.execute === 'guest-sync-delimited')
        socket.write(`{"return": [1]}\n\xff{"return": ${cmd.arguments!.id}}\n`, 'latin1');
      else socket.write('{"return": [{"name": "eth0"}]}\n');
    });
    expect(await agentCommand(path, 'guest-network-get-interfaces')).toEqual([{ name: 'eth0' }]);
    expect(seen).toEqual(['guest-sync-delimited', 'guest-network-get-interfaces']);
  });

  it('rejects on an agent error and on silence', async () => {
    const path = await fakeAgent((cmd, socket) => {
      if (cmd.execute === 'guest-sync-delimited') socket.write(`\xff{"return": ${cmd.arguments!.id}}\n`, 'latin1');
      else if (cmd.execute === 'guest-ping')
        socket.write('{"error": {"class": "GenericError", "desc": "Command guest-ping has been disabled"}}\n');
    });
    await expect(agentCommand(path, 'guest-ping')).rejects.toThrow('guest agent: Command guest-ping has been disabled');
    await expect(agentCommand(path, 'guest-info', 200)).rejects.toThrow(
      'guest agent did not answer guest-info within 200 ms',
    );
  });
});
