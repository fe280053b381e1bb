// The simulated workspace's records, shaped as Slack's Web API returns them.
export type Block = Record<string, unknown> & { type?: unknown };

export interface SimUser {
  id: string;
  name: string;
  real_name: string;
  is_bot?: boolean;
}

export interface SimUserGroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface SimChannel {
  id: string;
  name: string;
  is_private?: boolean;
}

export interface MessageRevision {
  text: string;
  blocks?: Block[];
  /** When this revision was replaced (Slack's `edited.ts`). */
  replacedAt: string;
}

export interface SimMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  blocks?: Block[];
  user: string;
  bot_id?: string;
  app_id?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  /** Earlier versions, oldest first: what chat.update and response_url replacements overwrote. */
  history: MessageRevision[];
}

export interface SimEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: Block[];
  thread_ts?: string;
  /** How it reached the user: a Web API call, an ack body, a response_url, or Slack's own error. */
  via: 'chat.postEphemeral' | 'ack' | 'response_url' | 'slack';
  /** Removed by a response_url `delete_original`. */
  deleted?: boolean;
}

export interface SimHomeView {
  user: string;
  id: string;
  view: Record<string, unknown>;
  publishedTs: string;
}

export type SimChange =
  | { type: 'message_posted'; message: SimMessage }
  | { type: 'message_updated'; message: SimMessage }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; ephemeral: SimEphemeral }
  | { type: 'ephemeral_updated'; ephemeral: SimEphemeral }
  | { type: 'view_published'; view: SimHomeView }
  | { type: 'delivery'; kind: string; userId: string; acked: boolean };

/** What the simulator received from the app: Web API calls, response_url posts and acks. */
export interface ReceivedEntry {
  at: number;
  kind: 'api' | 'response_url' | 'ack';
  /** The Web API method, the response_url path, or the acked delivery's kind. */
  name: string;
  /** Arguments or body as received (the caller's token is never recorded). */
  args: Record<string, unknown>;
  /** The answer's `error`, when the call failed. */
  error?: string;
}
