// Slack's Socket Mode side: apps.connections.open hands out a single-use ws:// URL; on connect
// the server says `hello`, pings the client, delivers envelopes and waits for each ack
// `{envelope_id, payload?}`, redelivering with `retry_attempt` when none comes in time.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { pause, type DeliveryResult, type RetryPolicy } from './delivery.ts';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

interface PendingAck {
  resolve: (payload: unknown) => void;
}

export type MalformedFrame = 'not-json' | 'binary' | 'no-type' | 'no-envelope-id' | 'unknown-type' | 'null-payload';

const MALFORMED: Record<MalformedFrame, string | Buffer> = {
  'not-json': '{"type": "slash_commands", "envelope_id": ',
  binary: Buffer.from([0xff, 0xfe, 0x00, 0x01]),
  'no-type': JSON.stringify({ envelope_id: 'e-no-type', payload: {} }),
  'no-envelope-id': JSON.stringify({ type: 'slash_commands', payload: {}, accepts_response_payload: true }),
  'unknown-type': JSON.stringify({ type: 'workflow_step_execute', envelope_id: 'e-unknown', payload: {} }),
  'null-payload': JSON.stringify({ type: 'events_api', envelope_id: 'e-null', payload: null }),
};

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly waiters: (() => void)[] = [];
  private next = 0;
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly baseWsUrl: () => string,
    private readonly appId: string,
    pingIntervalMs: number,
  ) {
    this.pinger = setInterval(() => this.sockets.forEach((s) => s.ping('sim')), pingIntervalMs);
    this.pinger.unref();
  }

  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.baseWsUrl()}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', 'http://sim').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data) => this.onAck(String(data)));
    ws.on('close', () => this.sockets.splice(this.sockets.indexOf(ws) >>> 0, 1));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length,
        debug_info: { host: 'applink-sim', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.waiters.splice(0).forEach((w) => w());
  }

  private onAck(text: string): void {
    let message: { envelope_id?: string; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const pending = message.envelope_id ? this.pending.get(message.envelope_id) : undefined;
    if (!pending) return;
    this.pending.delete(message.envelope_id as string);
    pending.resolve(message.payload);
  }

  connections(): number {
    return this.sockets.filter((s) => s.readyState === s.OPEN).length;
  }

  async waitForConnection(timeoutMs = 5000): Promise<void> {
    if (this.connections()) return;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      pause(timeoutMs).then(() => {
        throw new Error(`no Socket Mode connection within ${timeoutMs} ms`);
      }),
    ]);
  }

  /**
   * Sends a frame Slack's Socket Mode can deliver but a client must survive: not JSON, binary,
   * JSON without `type`, an envelope without `envelope_id` or with an unknown type.
   */
  sendMalformed(kind: MalformedFrame): void {
    const frame = MALFORMED[kind];
    for (const s of this.sockets) if (s.readyState === s.OPEN) s.send(frame);
  }

  /** Asks every client to reconnect, as Slack does when it recycles a connection. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const s of this.sockets)
      s.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sim' } }));
  }

  private sendEnvelope(
    envelope: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<{ acked: boolean; payload?: unknown }> {
    const open = this.sockets.filter((s) => s.readyState === s.OPEN);
    const socket = open[this.next++ % Math.max(open.length, 1)];
    if (!socket) return Promise.resolve({ acked: false });
    const id = envelope.envelope_id as string;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ acked: false });
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (payload) => {
          clearTimeout(timer);
          resolve({ acked: true, payload });
        },
      });
      socket.send(JSON.stringify(envelope));
    });
  }

  async deliver(type: EnvelopeType, payload: Record<string, unknown>, policy: RetryPolicy): Promise<DeliveryResult> {
    if (!this.connections())
      return { transport: 'socket', acked: false, ackMs: 0, attempts: 0, error: 'no_connection' };
    const envelope_id = randomUUID();
    let attempts = 0;
    for (;;) {
      const retry = type === 'events_api' ? { retry_attempt: attempts, retry_reason: attempts ? 'timeout' : '' } : {};
      const started = performance.now();
      const answer = await this.sendEnvelope(
        { envelope_id, payload, type, accepts_response_payload: type === 'slash_commands', ...retry },
        policy.ackTimeoutMs,
      );
      attempts += 1;
      const ackMs = performance.now() - started;
      if (answer.acked) return { transport: 'socket', acked: true, body: answer.payload, ackMs, attempts };
      if (attempts > policy.retries)
        return { transport: 'socket', acked: false, ackMs, attempts, error: 'ack_timeout' };
      await pause(policy.retryDelayMs);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    // Let a client's own close handshake finish (Bolt's stop() resolves before it does).
    await Promise.all(
      [...this.sockets].map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.readyState === s.CLOSED) return resolve();
            s.once('close', () => resolve());
            if (s.readyState === s.OPEN) s.close(1001, 'simulator closing');
            setTimeout(() => {
              s.terminate();
              resolve();
            }, 500).unref();
          }),
      ),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
