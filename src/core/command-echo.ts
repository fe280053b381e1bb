// Echoing what a user typed back into an error message: short, on one line, and unable to
// break out of the `code` span or to become a Slack mention or link.

const MAX_ECHO_CHARS = 40;

const SAFE_LOOKALIKE: Record<string, string> = { '`': "'", '<': '‹', '>': '›' };

/** `text` in backticks, at most 40 characters, control characters shown as `?`. */
export function quoteInput(text: string): string {
  // Only the head is looked at: the work stays the same whatever the input's size.
  const chars = [...text.slice(0, 2 * MAX_ECHO_CHARS + 2)].map(
    (ch) => SAFE_LOOKALIKE[ch] ?? (/[\p{Cc}\p{Cf}]/u.test(ch) ? '?' : ch),
  );
  const shown = chars.length > MAX_ECHO_CHARS ? `${chars.slice(0, MAX_ECHO_CHARS).join('')}…` : chars.join('');
  return `\`${shown}\``;
}
