/**
 * What the board says about who is on shift, as a locale key and its values:
 * "Nobody is on shift" only when nobody is; otherwise how many are on shift
 * and how many of them are free ("2 on shift, both busy"). Pure, so the
 * wording is tested in both languages without a browser.
 */
export function availabilityMessage(onShift: { total: number; busy: number }): {
  key: string;
  values: Record<string, number>;
} {
  const total = Math.max(0, onShift.total);
  const busy = Math.min(total, Math.max(0, onShift.busy));
  const free = total - busy;
  if (total === 0) return { key: 'assignments.noneOnShift', values: {} };
  if (busy === 0)
    return {
      key: total === 2 ? 'assignments.availability.bothFree' : 'assignments.availability.allFree',
      values: { count: total },
    };
  if (free === 0)
    return {
      key: total === 2 ? 'assignments.availability.bothBusy' : 'assignments.availability.allBusy',
      values: { count: total },
    };
  return { key: 'assignments.availability.someFree', values: { count: free, total } };
}
