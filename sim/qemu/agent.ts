// A client of the QEMU guest agent over the host end of its virtio-serial channel (a unix
// socket): JSON commands, one JSON answer per line, after a guest-sync-delimited handshake that
// discards whatever a previous, abandoned exchange left in the channel.
import { connect } from 'node:net';

export async function agentCommand(socketPath: string, execute: string, timeoutMs = 5000): Promise<unknown> {
  const id = Math.floor(Math.random() * 2 ** 31);
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = '';
    let synced = false;
    const timer = setTimeout(
      () => finish(new Error(`guest agent did not answer ${execute} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function finish(error: Error | null, value?: unknown): void {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    }
    socket.on('error', (error) => finish(error));
    socket.on('connect', () =>
      socket.write(`${JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id } })}\n`),
    );
    socket.on('data', (chunk: Buffer) => {
      // guest-sync-delimited answers after a 0xFF byte; anything before it is stale.
      buffer += chunk.toString('latin1');
      if (!synced) {
        const mark = buffer.lastIndexOf('\xff');
        if (mark < 0) return;
        buffer = buffer.slice(mark + 1);
      }
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const message = JSON.parse(Buffer.from(line, 'latin1').toString('utf8')) as {
          return?: unknown;
          error?: { desc?: string };
        };
        if (message.error) return finish(new Error(`guest agent: ${message.error.desc ?? 'error'}`));
        if (!synced) {
          if (message.return !== id) continue;
          synced = true;
          socket.write(`${JSON.stringify({ execute })}\n`);
          continue;
        }
        return finish(null, message.return);
      }
    });
  });
}
