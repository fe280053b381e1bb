import { describe, expect, it } from 'vitest';
import { LIMITS, TRUNCATED_NOTE, fitMessage, truncate, type SlackBlock } from '../../../src/bot/blocks/index.ts';

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const textOf = (block: SlackBlock | undefined) => (block as { text?: { text: string } } | undefined)?.text?.text ?? '';
const buttons: SlackBlock = {
  type: 'actions',
  elements: [{ type: 'button', action_id: 'run_retry', value: 'r1', text: { type: 'plain_text', text: 'Retry' } }],
};

describe('fitMessage', () => {
  it('leaves a message within the limits untouched', () => {
    const message = { text: 'hello', blocks: [section('a'), buttons] };
    expect(fitMessage(message)).toEqual(message);
  });

  it('cuts a section text past 3,000 characters and says so', () => {
    const { blocks } = fitMessage({ text: 'log', blocks: [section('x'.repeat(5000))] });
    const text = textOf(blocks?.[0]);
    expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text.endsWith(TRUNCATED_NOTE)).toBe(true);
  });

  it('cuts the top-level text to 4,000 characters', () => {
    const { text } = fitMessage({ text: 'y'.repeat(10_000) });
    expect(text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(text.endsWith(TRUNCATED_NOTE)).toBe(true);
  });

  it('keeps at most 50 blocks, the last one saying more were cut', () => {
    const { blocks } = fitMessage({ text: 't', blocks: Array.from({ length: 80 }, (_, i) => section(`line ${i}`)) });
    expect(blocks).toHaveLength(LIMITS.blocks);
    expect(JSON.stringify(blocks?.at(-1))).toContain(TRUNCATED_NOTE);
    expect(textOf(blocks?.[0])).toBe('line 0');
  });

  it('brings the blocks under ~12k characters in total and keeps the buttons at the end', () => {
    const many = Array.from({ length: 8 }, () => section('z'.repeat(2900)));
    const { blocks } = fitMessage({ text: 't', blocks: [...many, buttons] });
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(LIMITS.blocksJson);
    expect(blocks?.at(-1)).toEqual(buttons);
    expect(JSON.stringify(blocks)).toContain(TRUNCATED_NOTE);
  });

  it('drops blocks when many small ones exceed the total size', () => {
    const many = Array.from({ length: 49 }, (_, i) => section(`${i} ${'w'.repeat(195)}`));
    const { blocks } = fitMessage({ text: 't', blocks: [...many, buttons] });
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(LIMITS.blocksJson);
    expect(blocks!.length).toBeLessThan(50);
    expect(blocks?.at(-1)).toEqual(buttons);
    expect(JSON.stringify(blocks?.at(-2))).toContain(TRUNCATED_NOTE);
  });

  it('cuts button labels, header and field texts to their own limits', () => {
    const { blocks } = fitMessage({
      text: 't',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(300) } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2500) }] },
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(100) } }],
        },
      ],
    });
    const json = blocks as unknown as [
      { text: { text: string } },
      { fields: { text: string }[] },
      { elements: { text: { text: string } }[] },
    ];
    expect(json[0].text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    expect(json[1].fields[0]!.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    expect(json[2].elements[0]!.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
  });
});

describe('truncate', () => {
  it('never splits an emoji in half', () => {
    const cut = truncate('✅'.repeat(10) + '😀'.repeat(100), 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
