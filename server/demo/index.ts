// The built-in demo upstreams `localmcp serve` starts when there is no config file: real MCP servers
// run as stdio child processes, so a first run exercises exactly the code paths a configured server does.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to spawn one demo server: the same shape as a stdio entry of the config file. */
export type DemoServer = { command: string; args: string[]; description: string };

const DESCRIPTIONS = {
  notes: 'Built-in demo: an in-memory notebook (add, list, search, delete notes; note resources; a summary prompt).',
  toolbox: 'Built-in demo: time zones, exact arithmetic, random numbers and UUIDs.',
} as const;

/**
 * The demo servers, keyed by the name they are mounted under. Each runs with the current Node binary.
 * Compiled (dist/server/demo/*.js) the module is run directly; from source (this file is .ts, under tsx)
 * the child needs tsx too, so it gets `--import tsx` — resolved from the working directory, as when
 * developing in the repository.
 */
export function demoServers(): Record<keyof typeof DESCRIPTIONS, DemoServer> {
  const ext = extname(fileURLToPath(import.meta.url));
  const spawn = (module: string, description: string): DemoServer => {
    const path = fileURLToPath(new URL(`./${module}${ext}`, import.meta.url));
    return { command: process.execPath, args: ext === '.ts' ? ['--import', 'tsx', path] : [path], description };
  };
  return {
    notes: spawn('notes-server', DESCRIPTIONS.notes),
    toolbox: spawn('toolbox-server', DESCRIPTIONS.toolbox),
  };
}
