// A bare Socket Mode endpoint that sends whatever frames a test gives it (the Slack simulator
// sends only well-formed envelopes): apps.connections.open and auth.test over HTTP, then a
// WebSocket that says hello and relays the client's acks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export async function startRawSocketMode() {
  let socket: WebSocket | undefined;
  const acks: Record<string, unknown>[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    const body = req.url?.includes('apps.connections.open')
      ? { ok: true, url: `ws://127.0.0.1:${port}/link` }
      : { ok: true, user_id: 'U0BOT00001', team_id: 'T0TEAM0001', bot_id: 'B0BOT00001' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.on('upgrade', (req, sock, head) =>
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => acks.push(JSON.parse(String(data)) as Record<string, unknown>));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP00001' } }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    connected: () => socket?.readyState === 1,
    send: (frame: string | Buffer, binary = false) => socket!.send(frame, { binary }),
    acks,
    async close() {
      socket?.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
