import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Hook } from '@oclif/core';

/**
 * `localmcp plugins install ./my-plugin-1.0.0.tgz` (or a folder): plugin-plugins 5.5.2 reads an argument with a
 * `/` and no `:` as a GitHub `owner/repo` slug and tries github.com. A path that exists here is what the user
 * meant, so it is rewritten to the `file:<absolute path>` form that plugin-plugins installs with npm.
 */
const hook: Hook.Prerun = async ({ Command, argv }) => {
  if (Command.id !== 'plugins:install') return;
  for (const [i, arg] of argv.entries()) {
    if (arg.startsWith('-') || arg.includes(':') || !existsSync(arg)) continue;
    argv[i] = `file:${resolve(arg)}`;
  }
};

export default hook;
