import { Command } from '@oclif/core';

/**
 * The base of every localmcp command. oclif's catch() takes the exit code from `error.exitCode`, which its own
 * CLIError lacks (it keeps the code in `error.oclif.exit`), so under `--json` a `this.error(msg, { exit: 3 })` or a
 * flag parse error (2) would exit 1 while the printed JSON says otherwise. This restores the intended code; without
 * `--json` oclif already exits with it.
 */
export abstract class LocalmcpCommand extends Command {
  public override async catch(error: Parameters<Command['catch']>[0]): Promise<unknown> {
    const exit = (error as { oclif?: { exit?: unknown } }).oclif?.exit;
    if (process.exitCode === undefined && typeof exit === 'number') process.exitCode = exit;
    return super.catch(error);
  }
}
