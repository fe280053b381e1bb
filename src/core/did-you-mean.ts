// "Did you mean": the closest known word to a typo, by optimal-string-alignment distance
// (Levenshtein plus transposition of two neighbours, the commonest typing slip).

export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  // rows[i][j] = distance between the first i chars of s and the first j chars of t
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]![j]!;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      rows[i]![j] = best;
    }
  }
  return at(s.length, t.length);
}

/**
 * The candidate closest to `input`, or undefined when none is close enough: within a third of
 * the candidate's length (at least 1, at most 3 edits), or the only candidate `input` starts.
 * Ties go to the earlier candidate.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  // Edit distance is at least the difference in length, and the limit is 3: a word much longer
  // than every candidate cannot be close, so it is not compared (a 1 MB word took 20 s).
  const longest = Math.max(0, ...candidates.map((c) => c.length));
  if (input === '' || input.length > longest + 3) return undefined;
  const word = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(candidate.length / 3)));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const prefixed = word.length >= 2 ? candidates.filter((c) => c.toLowerCase().startsWith(word)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
