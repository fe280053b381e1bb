// `response_url`s as Slack hands them out with commands and actions: each may be used 5 times
// within 30 minutes to answer the user ephemerally, post in the channel, or replace or delete
// the message the action came from.
import { randomBytes } from 'node:crypto';
import { checkBlocks } from './blocks.ts';
import type { Block, SimEphemeral } from './types.ts';
import type { Workspace } from './workspace.ts';

interface Target {
  channel: string;
  userId: string;
  /** A block action's channel message. */
  messageTs?: string;
  /** The ephemeral this URL's source was, or the last one it posted. */
  ephemeral?: SimEphemeral;
  uses: number;
  createdAt: number;
}

export interface ResponseAnswer {
  status: number;
  body: Record<string, unknown>;
}

const MAX_USES = 5;
const LIFETIME_MS = 30 * 60 * 1000;

export class ResponseUrls {
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly ws: Workspace,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  create(target: Omit<Target, 'uses' | 'createdAt'>): string {
    const id = `${this.ws.seed.teamId}/${randomBytes(12).toString('hex')}`;
    this.targets.set(id, { ...target, uses: 0, createdAt: this.now() });
    return `${this.baseUrl()}/response/${id}`;
  }

  handle(id: string, body: Record<string, unknown>): ResponseAnswer {
    const target = this.targets.get(id);
    if (!target) return { status: 404, body: { ok: false, error: 'invalid_url' } };
    if (this.now() - target.createdAt > LIFETIME_MS) return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (target.uses >= MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    let blocks: Block[] | undefined;
    if (body.blocks !== undefined) {
      const checked = checkBlocks(body.blocks);
      if (!checked.ok)
        return {
          status: 400,
          body: { ok: false, error: checked.error, response_metadata: { messages: checked.messages ?? [] } },
        };
      blocks = checked.blocks;
    }
    target.uses += 1;
    const text = typeof body.text === 'string' ? body.text : '';
    const content = { text, ...(blocks ? { blocks } : {}) };
    const yes = (v: unknown) => v === true || v === 'true';
    const original = target.messageTs ? this.ws.find(target.channel, target.messageTs) : undefined;
    if (yes(body.delete_original)) {
      if (original) this.ws.remove(target.channel, original.ts);
      else if (target.ephemeral) this.ws.deleteEphemeral(target.ephemeral);
    } else if (yes(body.replace_original) && original) {
      this.ws.update(original, content);
    } else if (yes(body.replace_original) && target.ephemeral) {
      this.ws.replaceEphemeral(target.ephemeral, content);
    } else if (body.response_type === 'in_channel') {
      const thread_ts = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      this.ws.post(target.channel, { ...content, ...(thread_ts ? { thread_ts } : {}) });
    } else {
      target.ephemeral = this.ws.addEphemeral({
        channel: target.channel,
        user: target.userId,
        via: 'response_url',
        ...content,
      });
    }
    return { status: 200, body: { ok: true } };
  }
}
