// Numbers and times as the panel shows them.

export function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function percent(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return `${(value * 100).toFixed(value > 0 && value < 0.1 ? 1 : 0)}%`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value < 1024) return `${value} B`;
  if (value < 1024 ** 2) return `${(value / 1024).toFixed(1)} KiB`;
  if (value < 1024 ** 3) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  return `${(value / 1024 ** 3).toFixed(2)} GiB`;
}

export function time(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

export function ago(at: number | undefined, now = Date.now()): string {
  if (at === undefined) return '–';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** hits / (hits + misses), or undefined before the first lookup. */
export function hitRate(hits: number, misses: number): number | undefined {
  return hits + misses === 0 ? undefined : hits / (hits + misses);
}
