// Process inspection for tests that check the gateway does not leak child processes. Linux only: it
// reads /proc, the one place that shows the whole process tree without spawning `ps`.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

/** True while `pid` exists and is not a zombie (an exited child nobody has reaped yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(pid, 0) succeeds for zombies too, and a killed child stays one until its parent waits on it.
  return readStat(pid)?.state !== 'Z';
}

/** All live descendants of `pid` (children, grandchildren, ...), found by walking ppid links in /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(entry));
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; there is a small reuse race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// /proc/<pid>/stat is "pid (comm) state ppid ...". comm may itself contain spaces and parentheses,
// so split after the last ')'.
function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state && ppid ? { state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined; // the process exited while we were looking
  }
}
