// Slack's message limits, applied to every message before it is stored or sent: what
// does not fit is cut, and the cut says so, rather than Slack refusing the whole message.
import type { SlackBlock, SlackMessage } from './types.ts';

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  contextText: 2000,
  buttonText: 75,
  /** All blocks together, as JSON. */
  blocksJson: 12_000,
  /** The top-level `text` (the notification and fallback). */
  text: 4000,
} as const;

export const TRUNCATED_NOTE = '… (truncated)';

/** `text` cut to `max` characters including the note; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - TRUNCATED_NOTE.length - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
  return `${text.slice(0, end)} ${TRUNCATED_NOTE}`.slice(0, max);
}

type TextObject = { type: string; text: string };
const isTextObject = (value: unknown): value is TextObject =>
  typeof value === 'object' && value !== null && typeof (value as TextObject).text === 'string';

const fitText = (value: unknown, max: number): unknown =>
  isTextObject(value) ? { ...value, text: truncate(value.text, max) } : value;

function fitBlock(block: SlackBlock): SlackBlock {
  const b = block as unknown as Record<string, unknown>;
  switch (b.type) {
    case 'section':
      return {
        ...b,
        ...(b.text ? { text: fitText(b.text, LIMITS.sectionText) } : {}),
        ...(Array.isArray(b.fields) ? { fields: b.fields.slice(0, 10).map((f) => fitText(f, LIMITS.fieldText)) } : {}),
      } as SlackBlock;
    case 'header':
      return { ...b, text: fitText(b.text, LIMITS.headerText) } as SlackBlock;
    case 'context':
      return { ...b, elements: (b.elements as unknown[]).map((e) => fitText(e, LIMITS.contextText)) } as SlackBlock;
    case 'actions':
      return {
        ...b,
        elements: (b.elements as Record<string, unknown>[]).map((e) => ({
          ...e,
          ...(e.text ? { text: fitText(e.text, LIMITS.buttonText) } : {}),
        })),
      } as SlackBlock;
    default:
      return block;
  }
}

const note = (): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: TRUNCATED_NOTE }] });
const size = (blocks: SlackBlock[]) => JSON.stringify(blocks).length;

/** The index of the block holding the longest text, and that length. */
function longestText(blocks: SlackBlock[]): { index: number; length: number } {
  let best = { index: -1, length: 0 };
  blocks.forEach((block, index) => {
    const text = (block as { text?: unknown }).text;
    if (isTextObject(text) && text.text.length > best.length) best = { index, length: text.text.length };
  });
  return best;
}

/** Halves the longest texts, then drops blocks before the last one (usually the buttons), until the JSON fits. */
function fitTotal(blocks: SlackBlock[]): SlackBlock[] {
  const budget = LIMITS.blocksJson - size([note()]);
  let fitted = blocks;
  let cut = false;
  while (size(fitted) > budget) {
    const longest = longestText(fitted);
    if (longest.length > 200) {
      const block = fitted[longest.index] as { text: TextObject };
      const shorter = {
        ...block,
        text: { ...block.text, text: truncate(block.text.text, Math.floor(longest.length / 2)) },
      };
      fitted = fitted.map((b, i) => (i === longest.index ? (shorter as SlackBlock) : b));
    } else if (fitted.length > 1) {
      fitted = [...fitted.slice(0, -2), fitted.at(-1)!];
      cut = true;
    } else {
      return [note()];
    }
  }
  return cut ? [...fitted.slice(0, -1), note(), fitted.at(-1)!] : fitted;
}

/** The message cut to Slack's limits: each text, the number of blocks, their total size, the top-level text. */
export function fitMessage(message: SlackMessage): SlackMessage {
  const text = truncate(message.text, LIMITS.text);
  if (!message.blocks) return { text };
  let blocks = message.blocks.map(fitBlock);
  if (blocks.length > LIMITS.blocks) blocks = [...blocks.slice(0, LIMITS.blocks - 1), note()];
  blocks = fitTotal(blocks);
  if (blocks.length > LIMITS.blocks) blocks = [...blocks.slice(0, LIMITS.blocks - 1), note()];
  return { text, blocks };
}
