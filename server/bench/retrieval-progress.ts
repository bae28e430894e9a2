// A one-line progress bar for long benchmark runs, redrawn in place on a terminal. Written here rather than
// taken from a dependency: it is twenty lines, and the CLI's only other output is a table.

/** Where the bar is drawn: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A progress callback that draws `label [#####.....]  42% 120/285` on `stream`, redrawing only when the
 * percentage changes, and clears the line when done. Off a terminal it draws nothing: logs get no `\r` noise.
 */
export function progressBar(stream: ProgressStream, label: string, width = 30): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    if (!stream.isTTY || total <= 0) return;
    const percent = Math.min(100, Math.floor((100 * done) / total));
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((width * percent) / 100);
    const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}`;
    stream.write(done >= total ? `\r${' '.repeat(bar.length)}\r` : `\r${bar}`);
  };
}
