/**
 * Process-tree bookkeeping for stdio upstreams. Each upstream is spawned as the leader of its own process group
 * (`detached: true`), so ending the group ends everything it started: `npx` and the node process it runs, a shell
 * wrapper and its child, and grandchildren that outlived their parent. Killing only the direct child (what the
 * SDK's StdioClientTransport does) leaves those behind as orphans.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to the whole group led by `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** Remembers a group so that it is killed even if the gateway exits without a clean shutdown. */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous: SIGKILL every group still tracked. Clean shutdowns have already
    // ended them gracefully and untracked them, so this only catches the abnormal paths.
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Ends a process group: SIGTERM, then SIGKILL after `graceMs` if anything is still alive. Resolves once no
 * process of the group remains (or after the SIGKILL wait, which the kernel does not refuse).
 */
export async function endGroup(pgid: number, graceMs = 2000): Promise<void> {
  if (signalGroup(pgid, 'SIGTERM')) {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pgid)) await sleep(25);
    if (groupAlive(pgid)) {
      signalGroup(pgid, 'SIGKILL');
      const killDeadline = Date.now() + 1000;
      while (Date.now() < killDeadline && groupAlive(pgid)) await sleep(10);
    }
  }
  untrackGroup(pgid);
}
