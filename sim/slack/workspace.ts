// The workspace's state: users, groups, channels, messages with threads and edit history,
// ephemeral messages per user and App Home views. Every change is announced on `changes`.
import { EventEmitter } from 'node:events';
import type {
  Block,
  SimChange,
  SimChannel,
  SimEphemeral,
  SimHomeView,
  SimMessage,
  SimUser,
  SimUserGroup,
} from './types.ts';

export interface WorkspaceSeed {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  users: SimUser[];
  usergroups: SimUserGroup[];
  channels: SimChannel[];
}

export interface NewMessage {
  text: string;
  blocks?: Block[];
  thread_ts?: string;
  /** Author; the bot's user unless a user posted it (e.g. an in_channel slash command answer). */
  user?: string;
}

export class Workspace {
  readonly changes = new EventEmitter();
  readonly users = new Map<string, SimUser>();
  readonly usergroups = new Map<string, SimUserGroup>();
  readonly channels = new Map<string, SimChannel>();
  readonly messages = new Map<string, SimMessage[]>();
  readonly ephemerals: SimEphemeral[] = [];
  readonly views = new Map<string, SimHomeView>();
  private lastTsMicros = 0;

  constructor(
    readonly seed: WorkspaceSeed,
    private readonly now: () => number,
  ) {
    this.changes.setMaxListeners(0);
    for (const u of seed.users) this.users.set(u.id, u);
    for (const g of seed.usergroups) this.usergroups.set(g.id, g);
    for (const c of seed.channels) this.addChannel(c);
  }

  addChannel(channel: SimChannel): void {
    this.channels.set(channel.id, channel);
    if (!this.messages.has(channel.id)) this.messages.set(channel.id, []);
  }

  /** Slack's `ts`: seconds.microseconds, unique and increasing within the workspace. */
  nextTs(): string {
    this.lastTsMicros = Math.max(this.now() * 1000, this.lastTsMicros + 1);
    const seconds = Math.floor(this.lastTsMicros / 1e6);
    return `${seconds}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }

  /** chat.postMessage and chat.postEphemeral also take a channel's name (`#ops` or `ops`). */
  channelId(idOrName: string): string | undefined {
    if (this.channels.has(idOrName)) return idOrName;
    const name = idOrName.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name)?.id;
  }

  find(channel: string, ts: string): SimMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  post(channel: string, input: NewMessage): SimMessage {
    const byBot = input.user === undefined;
    const message: SimMessage = {
      type: 'message',
      channel,
      ts: this.nextTs(),
      text: input.text,
      user: input.user ?? this.seed.botUserId,
      ...(byBot ? { bot_id: this.seed.botId, app_id: this.seed.appId } : {}),
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.thread_ts ? { thread_ts: input.thread_ts } : {}),
      history: [],
    };
    const parent = input.thread_ts ? this.find(channel, input.thread_ts) : undefined;
    if (parent) {
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.reply_users = [...new Set([...(parent.reply_users ?? []), message.user])];
      parent.latest_reply = message.ts;
    }
    this.messages.get(channel)?.push(message);
    this.emit({ type: 'message_posted', message });
    return message;
  }

  update(message: SimMessage, next: { text?: string; blocks?: Block[] }): SimMessage {
    const editedTs = this.nextTs();
    message.history.push({
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      replacedAt: editedTs,
    });
    if (next.text !== undefined) message.text = next.text;
    if (next.blocks !== undefined) message.blocks = next.blocks;
    message.edited = { user: message.user, ts: editedTs };
    this.emit({ type: 'message_updated', message });
    return message;
  }

  remove(channel: string, ts: string): boolean {
    const list = this.messages.get(channel) ?? [];
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    list.splice(index, 1);
    this.emit({ type: 'message_deleted', channel, ts });
    return true;
  }

  addEphemeral(input: Omit<SimEphemeral, 'ts'>): SimEphemeral {
    const ephemeral = { ...input, ts: this.nextTs() };
    this.ephemerals.push(ephemeral);
    this.emit({ type: 'ephemeral', ephemeral });
    return ephemeral;
  }

  replaceEphemeral(ephemeral: SimEphemeral, next: { text: string; blocks?: Block[] }): void {
    ephemeral.text = next.text;
    if (next.blocks) ephemeral.blocks = next.blocks;
    else delete ephemeral.blocks;
    this.emit({ type: 'ephemeral_updated', ephemeral });
  }

  deleteEphemeral(ephemeral: SimEphemeral): void {
    ephemeral.deleted = true;
    this.emit({ type: 'ephemeral_updated', ephemeral });
  }

  publishView(user: string, view: Record<string, unknown>): SimHomeView {
    const id = this.views.get(user)?.id ?? `V${String(this.views.size + 1).padStart(8, '0')}`;
    const published = { user, id, view, publishedTs: this.nextTs() };
    this.views.set(user, published);
    this.emit({ type: 'view_published', view: published });
    return published;
  }

  emit(change: SimChange): void {
    this.changes.emit('change', change);
  }
}
