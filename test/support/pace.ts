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
