// Every string of a message (text and every string inside its blocks) with secrets removed.
import { secretScrubber } from '../../log.ts';

function scrubDeep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, scrub)]));
  }
  return value;
}

export function contentScrubber(secrets: readonly string[]): <T>(content: T) => T {
  const scrub = secretScrubber(secrets);
  return (content) => scrubDeep(content, scrub) as typeof content;
}
