// Block Kit limits Slack enforces on messages and views, answered as Slack does: `invalid_blocks`
// with one `[ERROR] ... [json-pointer:...]` line per problem in response_metadata.messages.
import type { Block } from './types.ts';

export const MAX_MESSAGE_TEXT = 40_000;

type Check = { ok: true; blocks: Block[] } | { ok: false; error: string; messages?: string[] };

const textOf = (o: unknown): string | undefined =>
  o && typeof o === 'object' && typeof (o as { text?: unknown }).text === 'string'
    ? (o as { text: string }).text
    : undefined;

function longer(problems: string[], value: string | undefined, max: number, pointer: string): void {
  if (value !== undefined && value.length > max) {
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  }
}

function checkElement(problems: string[], el: Record<string, unknown>, at: string): void {
  if (el.type !== 'button') return;
  longer(problems, textOf(el.text), 75, `${at}/text/text`);
  longer(problems, typeof el.value === 'string' ? el.value : undefined, 2000, `${at}/value`);
  longer(problems, typeof el.action_id === 'string' ? el.action_id : undefined, 255, `${at}/action_id`);
}

function checkBlock(problems: string[], block: Block, at: string): void {
  if (typeof block.type !== 'string') problems.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
  if (block.type === 'section') {
    longer(problems, textOf(block.text), 3000, `${at}/text/text`);
    const fields = Array.isArray(block.fields) ? block.fields : [];
    if (fields.length > 10) problems.push(`[ERROR] must be less than 11 items [json-pointer:${at}/fields]`);
    fields.forEach((f, i) => longer(problems, textOf(f), 2000, `${at}/fields/${i}/text`));
    if (block.accessory && typeof block.accessory === 'object')
      checkElement(problems, block.accessory as Record<string, unknown>, `${at}/accessory`);
  }
  if (block.type === 'header') longer(problems, textOf(block.text), 150, `${at}/text/text`);
  if (block.type === 'actions') {
    const elements = Array.isArray(block.elements) ? block.elements : [];
    if (elements.length > 25) problems.push(`[ERROR] must be less than 26 items [json-pointer:${at}/elements]`);
    elements.forEach((e, i) => checkElement(problems, e as Record<string, unknown>, `${at}/elements/${i}`));
  }
}

/** `max` is 50 for messages and 100 for Home tab views. */
export function checkBlocks(value: unknown, max = 50, pointer = '/blocks'): Check {
  if (!Array.isArray(value)) return { ok: false, error: 'invalid_blocks_format' };
  const problems: string[] = [];
  if (value.length > max) problems.push(`[ERROR] must be less than ${max + 1} items [json-pointer:${pointer}]`);
  value.forEach((block, i) => {
    if (!block || typeof block !== 'object') problems.push(`[ERROR] expected object [json-pointer:${pointer}/${i}]`);
    else checkBlock(problems, block as Block, `${pointer}/${i}`);
  });
  return problems.length
    ? { ok: false, error: 'invalid_blocks', messages: problems }
    : { ok: true, blocks: value as Block[] };
}
