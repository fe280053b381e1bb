// What a Web API method handler receives and returns.
import type { Args } from './request.ts';
import type { Workspace } from './workspace.ts';

export interface ApiAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ApiContext {
  workspace: Workspace;
  args: Args;
  /** The simulator's own base URL (http://127.0.0.1:port). */
  baseUrl: string;
  /** apps.connections.open: a fresh single-use WebSocket URL. */
  openSocketUrl: () => string;
}

export type MethodHandler = (ctx: ApiContext) => ApiAnswer;

export const ok = (body: Record<string, unknown> = {}): ApiAnswer => ({ body: { ok: true, ...body } });

export const fail = (error: string, extra: Record<string, unknown> = {}): ApiAnswer => ({
  body: { ok: false, error, ...extra },
});
