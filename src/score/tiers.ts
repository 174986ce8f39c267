/**
 * Jenks natural breaks (Fisher's exact optimal partition): split sorted values into k contiguous
 * classes minimizing the total within-class sum of squared deviations.
 *
 * Equal values always share a class (the partition runs over distinct values, weighted by how often
 * each occurs). Where two partitions are equally good, the one with the smaller best class wins, then
 * the smaller second class, and so on, so that the result never depends on input order.
 *
 * Returns, for each input value, its class: 1 for the class of the highest values.
 * With fewer than k distinct values, each distinct value is its own class.
 */
export function jenksTiers(values: readonly number[], k = 3): number[] {
  // The distinct values and how often each occurs (=== equality, as the partition groups them), from a
  // sorted copy: a Set and Maps keyed by doubles took half of this function's time.
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const distinct = new Float64Array(n);
  const counts = new Float64Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (d > 0 && distinct[d - 1] === v) counts[d - 1]!++;
    else {
      distinct[d] = v;
      counts[d++] = 1;
    }
  }
  if (d === 0) return [];
  // Each class's lowest value, the highest class (tier 1) first.
  if (d <= k) return tiersFrom(values, distinct.slice(0, d).reverse());
  const from = splits(distinct, counts, d, meanOf(values), k);
  const lows = new Float64Array(k);
  let end = d;
  for (let m = k; m >= 1; m--) {
    const start = from[m]![end]!;
    lows[k - m] = distinct[start]!;
    end = start;
  }
  return tiersFrom(values, lows);
}

/** Summed in input order, as it always was: the order of a sum is part of its rounding. */
function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Each value's tier: 1 + the first class, highest first, whose lowest value it reaches. */
function tiersFrom(values: readonly number[], lows: Float64Array): number[] {
  const tiers = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let t = 0;
    while (v < lows[t]!) t++;
    tiers[i] = t + 1;
  }
  return tiers;
}

/**
 * Fisher's dynamic programme over the d distinct values (sorted) weighted by their counts: for each
 * number of classes m and each j, where the last of the m classes of the first j values starts.
 */
function splits(distinct: Float64Array, counts: Float64Array, d: number, mean: number, k: number): Int32Array[] {
  // Prefix sums over values centred on the global mean, to keep cancellation error small.
  const w = new Float64Array(d + 1);
  const s1 = new Float64Array(d + 1);
  const s2 = new Float64Array(d + 1);
  for (let i = 0; i < d; i++) {
    const x = distinct[i]! - mean;
    const c = counts[i]!;
    w[i + 1] = w[i]! + c;
    s1[i + 1] = s1[i]! + c * x;
    s2[i + 1] = s2[i]! + c * x * x;
  }
  const eps = 1e-12 * Math.max(1, s2[d]!);

  // cost[m][j]: best cost of splitting the first j distinct values into m classes; from[m][j]: where the
  // last of those classes starts. The inner loop is the sum of squared deviations of distinct[i..j)
  // (0-based, j exclusive) added to the best split before i, written out: it runs up to k·d²/2 times.
  // It stops once even the earlier classes' least cost from there on (floor) exceeds the best found plus
  // the tie tolerance: a class's own cost is never negative, so no later start could be taken.
  const first = new Float64Array(d + 1).fill(Infinity);
  first[0] = 0;
  const cost: Float64Array[] = [first];
  const from: Int32Array[] = [new Int32Array(0)];
  for (let m = 1; m <= k; m++) {
    const before = cost[m - 1]!;
    const floor = new Float64Array(d + 1);
    floor[d] = before[d]!;
    for (let i = d - 1; i >= 0; i--) floor[i] = Math.min(before[i]!, floor[i + 1]!);
    const row = new Float64Array(d + 1).fill(Infinity);
    const back = new Int32Array(d + 1).fill(-1);
    // Only the whole range matters in the last row; in the first, only a start at 0 costs less than
    // Infinity (cost[0][i > 0] is Infinity), so the others are not tried.
    for (let j = m === k ? d : m; j <= d; j++) {
      const wj = w[j]!;
      const s1j = s1[j]!;
      const s2j = s2[j]!;
      let best = Infinity;
      let start = -1;
      for (let i = m - 1; i < (m === 1 ? 1 : j); i++) {
        if (floor[i]! > best + eps) break;
        const a = s1j - s1[i]!;
        const c = before[i]! + Math.max(0, s2j - s2[i]! - (a * a) / (wj - w[i]!));
        // <= eps prefers the later start: a smaller top class among equally good partitions.
        if (c < best - eps || Math.abs(c - best) <= eps) {
          best = c;
          start = i;
        }
      }
      row[j] = best;
      back[j] = start;
    }
    cost.push(row);
    from.push(back);
  }

  return from;
}
