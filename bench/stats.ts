/** Percentiles of a sample of durations in milliseconds, by the nearest-rank method. */
export function summarize(samples: number[]): { count: number; p50: number; p95: number; p99: number; max: number; mean: number } {
  const sorted = [...samples].sort((left, right) => left - right);
  const rank = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted[sorted.length - 1] ?? 0, mean };
}

export function formatSummary(label: string, samples: number[]): string {
  const summary = summarize(samples);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `${label}: n=${summary.count} p50=${ms(summary.p50)} p95=${ms(summary.p95)} p99=${ms(summary.p99)} max=${ms(summary.max)} mean=${ms(summary.mean)}`;
}

/** Runs `worker` on `concurrency` parallel loops until `total` tasks ran; returns each task's duration. */
export async function runConcurrently(total: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  const loop = async () => {
    while (next < total) {
      const index = next++;
      const started = performance.now();
      await worker(index);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return durations;
}
