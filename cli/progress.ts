// Progress for long CLI work (benchmarks, embedding tools): one line on stderr, redrawn in place. Twenty lines of
// our own rather than a dependency: the CLI's only other output is tables, and stdout must stay clean for --json.

/** Where the bar is drawn: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Updates a bar: work done of total, and optionally what is being worked on now (`localmcp-http`). */
export type Progress = ((done: number, total: number, detail?: string) => void) & {
  /** Clears the bar (call it once the work is over, also after a failure). */
  end(): void;
};

/**
 * A progress bar `label [#####.....]  42% 120/285 detail` on `stream` (stderr by default). It redraws only when
 * the percentage or the detail changes, never writes more than the terminal is wide, and clears itself when the
 * work is done. Off a terminal (CI logs, a pipe) or when `enabled` is false (`--json`) it draws nothing.
 */
export function progressBar(
  label: string,
  options: { stream?: ProgressStream; enabled?: boolean; width?: number } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const on = (options.enabled ?? true) && stream.isTTY === true;
  const width = options.width ?? 24;
  let shown = '';
  let drawn = 0;
  const clear = () => {
    if (drawn > 0) stream.write(`\r${' '.repeat(drawn)}\r`);
    drawn = 0;
    shown = '';
  };
  const update = (done: number, total: number, detail?: string) => {
    if (!on || total <= 0) return;
    if (done >= total) return clear();
    const percent = Math.max(0, Math.min(100, Math.floor((100 * done) / total)));
    const key = `${percent}|${detail ?? ''}`;
    if (key === shown) return;
    shown = key;
    const filled = Math.round((width * percent) / 100);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    let line = `${label} ${bar} ${String(percent).padStart(3)}% ${done}/${total}${detail ? ` ${detail}` : ''}`;
    line = line.slice(0, Math.max(20, (stream.columns ?? 80) - 1));
    stream.write(`\r${line}${' '.repeat(Math.max(0, drawn - line.length))}`);
    drawn = Math.max(drawn, line.length);
  };
  return Object.assign(update, { end: clear });
}
