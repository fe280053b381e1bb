// `/api/<method>`: checks a call as Slack does (method known, token present and valid, token type,
// scope, required arguments, rate limits), then runs the method against the workspace.
import type { ApiAnswer, ApiContext, MethodHandler } from './api-context.ts';
import { fail } from './api-context.ts';
import { webApiMethods, type MethodSpec } from './fixture.ts';
import { chatMethods } from './methods-chat.ts';
import { conversationMethods } from './methods-conversations.ts';
import { directoryMethods } from './methods-directory.ts';
import type { Args, ParsedCall } from './request.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface TokenGrant {
  kind: 'bot' | 'app';
  scopes: string[];
}

export interface WebApiLimits {
  postMessagePerChannel?: RateLimiter;
  update?: RateLimiter;
  conversationsRead?: RateLimiter;
}

const CONVERSATIONS_READ = new Set(['conversations.history', 'conversations.replies']);

const handlers: Record<string, MethodHandler> = { ...chatMethods, ...conversationMethods, ...directoryMethods };

function missingArgument(method: string, spec: MethodSpec, args: Args): ApiAnswer | undefined {
  const absent = Object.entries(spec.args)
    .filter(([name, a]) => a.required && args[name] === undefined)
    .map(([name]) => name);
  if (!absent.length) return undefined;
  // The chat.* methods resolve `channel` before anything else, so an absent one is not found;
  // newer methods (conversations.*, usergroups.*, views.*) answer invalid_arguments.
  if (method.startsWith('chat.') && absent.includes('channel')) return fail('channel_not_found');
  return fail('invalid_arguments', {
    response_metadata: { messages: absent.map((n) => `[ERROR] missing required field: ${n}`) },
  });
}

function rateLimited(method: string, channel: string, limits: WebApiLimits): ApiAnswer | undefined {
  const take =
    method === 'chat.postMessage'
      ? limits.postMessagePerChannel?.take(channel)
      : method === 'chat.update'
        ? limits.update?.take('workspace')
        : CONVERSATIONS_READ.has(method)
          ? limits.conversationsRead?.take(method)
          : undefined;
  if (!take || take.ok) return undefined;
  return {
    status: 429,
    headers: { 'retry-after': String(take.retryAfterSeconds) },
    body: { ok: false, error: 'ratelimited' },
  };
}

export function callWebApi(
  method: string,
  call: ParsedCall,
  tokens: ReadonlyMap<string, TokenGrant>,
  limits: WebApiLimits,
  ctx: Omit<ApiContext, 'args'>,
): ApiAnswer {
  const spec = webApiMethods.get(method);
  const handler = handlers[method];
  if (!spec || !handler) return fail('unknown_method', { req_method: method });
  if (call.badBody) return fail(call.badBody);
  if (!call.token) return fail('not_authed');
  const grant = tokens.get(call.token);
  if (!grant) return fail('invalid_auth');
  if (grant.kind !== spec.tokenType) return fail('not_allowed_token_type');
  if (spec.scopes.length && !spec.scopes.some((s) => grant.scopes.includes(s))) {
    return fail('missing_scope', { needed: spec.scopes.join(','), provided: grant.scopes.join(',') });
  }
  const channel = String(call.args.channel);
  const answer =
    missingArgument(method, spec, call.args) ??
    rateLimited(method, ctx.workspace.channelId(channel) ?? channel, limits) ??
    handler({ ...ctx, args: call.args });
  // Slack names the token's scopes on every answer to an authenticated call.
  return { ...answer, headers: { ...answer.headers, 'x-oauth-scopes': grant.scopes.join(',') } };
}
