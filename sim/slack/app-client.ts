// The user's side of Slack: sends slash commands, button clicks and App Home opens to the app
// over HTTP (signed) or Socket Mode, and shows the user what the app's ack said.
import { deliverHttp, sendOnce, signedRequest } from './http-delivery.ts';
import type { DeliveryResult, HttpRequestRecord, RetryPolicy } from './delivery.ts';
import {
  appHomeOpenedEvent,
  blockActionPayload,
  slashCommandBody,
  triggerId,
  type BlockActionInput,
  type SlashCommandInput,
} from './payloads.ts';
import type { ResponseUrls } from './response-url.ts';
import type { SignOverride } from './signing.ts';
import type { EnvelopeType, SocketModeServer } from './socket-mode.ts';
import type { ReceivedEntry } from './types.ts';
import type { Workspace } from './workspace.ts';

export type Transport = 'http' | 'socket';
export type DeliveryKind = 'command' | 'action' | 'event';

export interface AppClientConfig {
  transport: Transport;
  /** The app's request URL (HTTP transport), e.g. http://127.0.0.1:3000/slack/events. */
  requestUrl?: string;
  signingSecret: string;
  policy: Record<DeliveryKind, RetryPolicy>;
}

export type CommandResult = DeliveryResult & { responseUrl: string; triggerId: string };

const ENVELOPES: Record<DeliveryKind, EnvelopeType> = {
  command: 'slash_commands',
  action: 'interactive',
  event: 'events_api',
};

export class AppClient {
  constructor(
    private readonly ws: Workspace,
    private readonly responseUrls: ResponseUrls,
    private readonly socket: SocketModeServer,
    readonly config: AppClientConfig,
    private readonly record: (entry: Omit<ReceivedEntry, 'at'>) => void,
  ) {}

  async sendSlashCommand(input: SlashCommandInput, sign?: SignOverride): Promise<CommandResult> {
    const responseUrl = this.responseUrls.create({ channel: input.channelId, userId: input.userId });
    const trigger = triggerId();
    const body = slashCommandBody(this.ws, input, responseUrl, trigger);
    const form = new URLSearchParams(body).toString();
    const result = await this.deliver('command', body, 'application/x-www-form-urlencoded', form, sign);
    this.showCommandAck(input, result);
    return { ...result, responseUrl, triggerId: trigger };
  }

  async sendBlockAction(input: BlockActionInput, sign?: SignOverride): Promise<CommandResult> {
    const message = this.ws.find(input.channelId, input.messageTs);
    const ephemeral = message
      ? undefined
      : this.ws.ephemerals.find((e) => e.ts === input.messageTs && e.user === input.userId && !e.deleted);
    if (!message && !ephemeral)
      throw new Error(`user ${input.userId} sees no message ${input.messageTs} in ${input.channelId}`);
    const responseUrl = this.responseUrls.create({
      channel: input.channelId,
      userId: input.userId,
      ...(message ? { messageTs: message.ts } : {}),
      ...(ephemeral ? { ephemeral } : {}),
    });
    const trigger = triggerId();
    const source = message
      ? { blocks: message.blocks, message, ephemeral: false }
      : { blocks: ephemeral?.blocks, ephemeral: true };
    const payload = blockActionPayload(this.ws, input, source, responseUrl, trigger);
    const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const result = await this.deliver('action', payload, 'application/x-www-form-urlencoded', form, sign);
    return { ...result, responseUrl, triggerId: trigger };
  }

  async openAppHome(userId: string, sign?: SignOverride): Promise<DeliveryResult> {
    const event = appHomeOpenedEvent(this.ws, userId);
    return this.deliver('event', event, 'application/json', JSON.stringify(event), sign);
  }

  /** Sends an earlier HTTP delivery again, byte for byte (a replay attack). */
  replay(request: HttpRequestRecord): Promise<DeliveryResult> {
    return sendOnce(request, this.config.policy.command.ackTimeoutMs).then((r) => ({
      transport: 'http',
      attempts: 1,
      ...r,
    }));
  }

  private async deliver(
    kind: DeliveryKind,
    payload: Record<string, unknown>,
    contentType: string,
    body: string,
    sign?: SignOverride,
  ): Promise<DeliveryResult> {
    const policy = this.config.policy[kind];
    let result: DeliveryResult;
    if (this.config.transport === 'socket') {
      result = await this.socket.deliver(ENVELOPES[kind], payload, policy);
    } else {
      const url = this.config.requestUrl;
      if (!url) throw new Error('the Slack simulator has no request URL for the app (setRequestUrl)');
      result = await deliverHttp((retry) => {
        const request = signedRequest(url, contentType, body, this.config.signingSecret, sign);
        if (retry)
          Object.assign(request.headers, {
            'x-slack-retry-num': String(retry.num),
            'x-slack-retry-reason': retry.reason,
          });
        return request;
      }, policy);
    }
    if (result.acked && result.body !== undefined && result.body !== '') {
      this.record({
        kind: 'ack',
        name: ENVELOPES[kind],
        args:
          typeof result.body === 'object' && result.body
            ? (result.body as Record<string, unknown>)
            : { text: result.body },
      });
    }
    this.ws.emit({
      type: 'delivery',
      kind,
      userId: typeof payload.user_id === 'string' ? payload.user_id : '',
      acked: result.acked,
    });
    return result;
  }

  private showCommandAck(input: SlashCommandInput, result: DeliveryResult): void {
    const command = input.command ?? '/runner';
    if (!result.acked) {
      const error =
        result.error === 'http_timeout' || result.error === 'ack_timeout' ? 'operation_timeout' : 'dispatch_failed';
      this.ws.addEphemeral({
        channel: input.channelId,
        user: input.userId,
        via: 'slack',
        text: `${command} failed with the error "${error}"`,
      });
      return;
    }
    const answer =
      typeof result.body === 'string'
        ? { text: result.body }
        : ((result.body as Record<string, unknown> | undefined) ?? {});
    const text = typeof answer.text === 'string' ? answer.text : '';
    const blocks = Array.isArray(answer.blocks) ? (answer.blocks as Record<string, unknown>[]) : undefined;
    if (!text && !blocks) return;
    const content = { text, ...(blocks ? { blocks } : {}) };
    if (answer.response_type === 'in_channel') this.ws.post(input.channelId, content);
    else this.ws.addEphemeral({ channel: input.channelId, user: input.userId, via: 'ack', ...content });
  }
}
