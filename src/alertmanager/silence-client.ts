// Alertmanager's API v2: POST /api/v2/silences. Equality matchers only, as the Silence button
// silences exactly the group it is on.
import type { SilenceClient } from '../core/alerts/ports.ts';

export function createSilenceClient(fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): SilenceClient {
  return {
    async create(alertmanagerUrl, { matchers, startsAt, endsAt, createdBy, comment }) {
      const res = await fetchImpl(
        new URL('api/v2/silences', alertmanagerUrl.endsWith('/') ? alertmanagerUrl : `${alertmanagerUrl}/`),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
            startsAt: startsAt.toISOString(),
            endsAt: endsAt.toISOString(),
            createdBy,
            comment,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      const text = await res.text();
      if (!res.ok) throw new Error(`Alertmanager refused the silence: HTTP ${res.status} ${text.slice(0, 300)}`);
      return (JSON.parse(text) as { silenceID: string }).silenceID;
    },
  };
}
