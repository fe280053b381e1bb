// What every builder returns: a message's top-level text (notification and fallback) and its blocks.
import type { KnownBlock } from '@slack/web-api';

export type SlackBlock = KnownBlock;

export interface SlackMessage {
  text: string;
  blocks?: SlackBlock[];
}
