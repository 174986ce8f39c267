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
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const d = distinct.length;
  if (d === 0) return [];
  const tierOf = new Map<number, number>();
  if (d <= k) {
    distinct.forEach((v, i) => tierOf.set(v, d - i));
    return values.map((v) => tierOf.get(v)!);
  }

  const counts = distinct.map((v) => values.filter((x) => x === v).length);
  // Prefix sums over values centred on the global mean, to keep cancellation error small.
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const w = [0];
  const s1 = [0];
  const s2 = [0];
  for (let i = 0; i < d; i++) {
    const x = distinct[i]! - mean;
    const c = counts[i]!;
    w.push(w[i]! + c);
    s1.push(s1[i]! + c * x);
    s2.push(s2[i]! + c * x * x);
  }
  // Sum of squared deviations of distinct[i..j) (0-based, j exclusive).
  const ssd = (i: number, j: number): number => {
    const cw = w[j]! - w[i]!;
    const a = s1[j]! - s1[i]!;
    return Math.max(0, s2[j]! - s2[i]! - (a * a) / cw);
  };
  const eps = 1e-12 * Math.max(1, s2[d]!);

  // cost[m][j]: best cost of splitting the first j distinct values into m classes; from[m][j]: where the
  // last of those classes starts.
  const cost: number[][] = [Array.from({ length: d + 1 }, (_, j) => (j === 0 ? 0 : Infinity))];
  const from: number[][] = [[]];
  for (let m = 1; m <= k; m++) {
    const row = new Array<number>(d + 1).fill(Infinity);
    const back = new Array<number>(d + 1).fill(-1);
    for (let j = m; j <= d; j++) {
      for (let i = m - 1; i < j; i++) {
        const c = cost[m - 1]![i]! + ssd(i, j);
        // <= eps prefers the later start: a smaller top class among equally good partitions.
        if (c < row[j]! - eps || Math.abs(c - row[j]!) <= eps) {
          row[j] = c;
          back[j] = i;
        }
      }
    }
    cost.push(row);
    from.push(back);
  }

  let end = d;
  for (let m = k; m >= 1; m--) {
    const start = from[m]![end]!;
    for (let i = start; i < end; i++) tierOf.set(distinct[i]!, k - m + 1);
    end = start;
  }
  return values.map((v) => tierOf.get(v)!);
}
