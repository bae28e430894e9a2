import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './against.js';

/**
 * A throwaway redis-server on a free loopback port, nothing persisted: what `serve --workers N` needs to share
 * stateful sessions in a benchmark run, without touching a Redis the machine may already run. Undefined when
 * there is no `redis-server` on the PATH.
 */
export async function startPrivateRedis(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  const failed = once(child, 'error').then(() => true);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const up = await Promise.race([failed, canConnect(port)]);
    if (child.exitCode !== null || (up && child.pid === undefined)) return undefined;
    if (up) {
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  return undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
