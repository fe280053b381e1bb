// A request body up to a size limit; past it, reading stops and the caller answers 413.
import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' };

export async function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return { ok: false, reason: 'too-large' };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { ok: false, reason: 'too-large' };
    chunks.push(chunk);
  }
  return { ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
}
