// Spawning the fixtures in test/fixtures as real child processes, as the gateway spawns upstreams.
// Children run from source through tsx (`node --import tsx file.ts`), so tests need no build step.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Absolute path of a file in test/fixtures; `.ts` is added when `name` has no extension. */
export function fixturePath(name: string): string {
  return join(FIXTURES, extname(name) ? name : `${name}.ts`);
}

/** Node arguments that run a TypeScript file: `['--import', 'tsx', absPath]`. */
export function tsxNodeArgs(file: string): string[] {
  return ['--import', 'tsx', resolve(file)];
}

/** A stdio upstream entry for the echo fixture, shaped like a config file's stdio server. */
export type StdioFixtureConfig = { command: string; args: string[]; env: Record<string, string> };

export function stdioFixtureConfig(env: Record<string, string> = {}): StdioFixtureConfig {
  return { command: process.execPath, args: [...tsxNodeArgs(fixturePath('echo-server')), '--stdio'], env: { ...env } };
}

export type HttpFixture = {
  url: string;
  pid: number;
  /** Resolves with the exit code once the process has exited (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. Safe to call twice. */
  close(): Promise<void>;
};

/** Starts the echo fixture over Streamable HTTP (`http`, URL ends /mcp) or legacy SSE (`sse`, URL ends /sse). */
export async function startHttpFixture(
  mode: 'http' | 'sse',
  env: Record<string, string> = {},
  port = 0,
): Promise<HttpFixture> {
  const child = spawn(process.execPath, [...tsxNodeArgs(fixturePath('echo-server')), `--${mode}`, String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));

  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolveLine, reject) => {
    // Generous: on a loaded two-core CI machine, a tsx start-up alone can take several seconds.
    const timer = setTimeout(
      () => reject(new Error(`echo fixture (${mode}) printed no URL within 60 s\n${stderr}`)),
      60_000,
    );
    lines.once('line', (line) => (clearTimeout(timer), resolveLine(line)));
    void exited.then(
      (code) => (clearTimeout(timer), reject(new Error(`echo fixture (${mode}) exited with ${code}\n${stderr}`))),
    );
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { url } = JSON.parse(await firstLine) as { url: string };
    return { url, pid: child.pid!, exited, close };
  } catch (error) {
    await close();
    throw error;
  }
}
