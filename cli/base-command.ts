import { Flags, type Command, type Interfaces } from '@oclif/core';
import { errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import { loadSetup, type Setup } from '../server/index.js';
import { LocalmcpCommand } from './command.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;

/** Exit codes shared by every command (documented in the README). */
export const ExitCodes = {
  ERROR: 1,
  CONFIG: 2,
  UNAVAILABLE: 3,
} as const;

/** What every command that reads the config shares: `--config`, and turning local errors into clean exits. */
export abstract class BaseCommand<T extends typeof Command> extends LocalmcpCommand {
  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      summary: 'Config file: localmcp.yaml/.json, or a Claude Desktop, Cursor or VS Code MCP config.',
      env: 'LOCALMCP_CONFIG',
      helpGroup: 'GLOBAL',
    }),
  };

  protected flags!: BaseFlags<T>;

  public override async init(): Promise<void> {
    await super.init();
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
  }

  /** Loads the config; a bad file exits with code 2 and the validator's message (file, field, expectation). */
  protected async setup(
    overrides?: Parameters<typeof loadSetup>[0] extends infer O
      ? O extends { overrides?: infer V }
        ? V
        : never
      : never,
  ): Promise<Setup> {
    try {
      const setup = await loadSetup({ configPath: this.flags.config, overrides });
      for (const warning of setup.warnings) this.warn(warning);
      return setup;
    } catch (error) {
      this.fail(error, ExitCodes.CONFIG);
    }
  }

  /** Ends the command with a readable message and no stack trace. */
  protected fail(error: unknown, exit: number = ExitCodes.ERROR): never {
    const message = isLocalmcpError(error) ? error.message : errorMessage(error);
    this.error(message, { exit });
  }
}
