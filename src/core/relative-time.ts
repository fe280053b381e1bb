// A time relative to now, as people say it: for tables and Slack lines alike.

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago" (or "in …" for a future time). */
export function ago(at: number, now: number): string {
  if (!Number.isFinite(at)) return 'at an unknown time';
  const seconds = Math.round((now - at) / 1000);
  const size = Math.abs(seconds);
  if (size < 5) return 'just now';
  const amount =
    size < 90
      ? `${size} s`
      : size < 90 * 60
        ? `${Math.round(size / 60)} min`
        : size < 36 * 3600
          ? `${Math.round(size / 3600)} h`
          : `${Math.round(size / 86400)} d`;
  return seconds >= 0 ? `${amount} ago` : `in ${amount}`;
}
