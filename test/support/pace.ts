/** Segments at these moments (milliseconds): the most that fall within any one-second window [t, t + 1 s). */
export function mostInAnySecond(moments: number[]): number {
  const sorted = [...moments].sort((a, b) => a - b);
  let most = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] ?? 0;
    // A hundredth of a millisecond below the second: rounding, not a second segment at its edge.
    while (end < sorted.length && (sorted[end] ?? 0) < from + 1000 - 0.01) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

/** The shortest time (milliseconds) any `count` consecutive moments span: how tightly they bunched. */
export function tightestSpan(moments: number[], count: number): number {
  const sorted = [...moments].sort((a, b) => a - b);
  let tightest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + count - 1 < sorted.length; i++)
    tightest = Math.min(tightest, (sorted[i + count - 1] ?? 0) - (sorted[i] ?? 0));
  return tightest;
}
