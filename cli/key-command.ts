import { Flags, type Command, type Interfaces } from '@oclif/core';
import { errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import { keyFilePath, KeyStore } from '../server/index.js';
import { ExitCodes } from './base-command.js';
import { LocalmcpCommand } from './command.js';

export type KeyFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof KeyCommand)['baseFlags'] & T['flags']
>;

/** What the `keys` commands share: `--data-dir` (where keys.json lives) and clean exits on store errors. */
export abstract class KeyCommand<T extends typeof Command> extends LocalmcpCommand {
  static override baseFlags = {
    'data-dir': Flags.directory({
      summary: 'Directory holding keys.json; default: the data dir `localmcp serve` reads keys from.',
      helpGroup: 'GLOBAL',
    }),
  };

  protected flags!: KeyFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;

  public override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof KeyCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as KeyFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
  }

  /** The store the gateway reads: `<data dir>/keys.json` (oclif's data dir honours LOCALMCP_DATA_DIR). */
  protected keyStore(): KeyStore {
    return new KeyStore(keyFilePath(this.flags['data-dir'] ?? this.config.dataDir));
  }

  /** Runs a store operation; its errors (unknown id, bad scope, damaged file) end the command without a stack. */
  protected async attempt<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (error) {
      this.error(isLocalmcpError(error) ? error.message : errorMessage(error), { exit: ExitCodes.ERROR });
    }
  }
}
