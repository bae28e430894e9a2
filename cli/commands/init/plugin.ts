import { relative } from 'node:path';
import { Flags } from '@oclif/core';
import { errorMessage, isLocalmcpError, PLUGIN_KINDS, type PluginKind } from '@localmcp/plugin-api';
import { ExitCodes } from '../../base-command.js';
import { LocalmcpCommand } from '../../command.js';
import { ScaffoldInputError } from '../../scaffold/names.js';
import { scaffoldPlugin, type ScaffoldPluginResult } from '../../scaffold/plugin.js';
import { askPlugin, isPromptCancel } from '../../scaffold/prompts.js';

export default class InitPlugin extends LocalmcpCommand {
  static override summary =
    'Create a plugin package (provider, embedder, search or breaker) that builds and passes its tests.';
  static override description = `Renders templates/plugin/<kind> into a new npm package on the public contract only (@localmcp/plugin-api): the plugin, its zod options schema, tests that create it as the gateway does (node:test), and a README saying how to select it in localmcp.yaml. Then: npm install && npm test, and localmcp plugins install <dir>.

@localmcp/plugin-api is not on the npm registry yet: by default the package depends on the copy this localmcp runs with (file:, a relative path when the plugin sits inside or next to the localmcp checkout) and bundles it into npm pack's tarball; --api registry writes ^<version> instead. See docs/plugins.md.`;
  static override examples = [
    '<%= config.bin %> init plugin --kind breaker --name patient',
    '<%= config.bin %> init plugin --kind search --name my-index --dir plugins/search-my-index',
    '<%= config.bin %> init plugin --kind provider --name my-llm --api registry --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    kind: Flags.option({ options: PLUGIN_KINDS, char: 'k', summary: 'What the plugin provides.' })(),
    name: Flags.string({ char: 'n', summary: 'The plugin name: its id is <kind>:<name>.' }),
    dir: Flags.directory({ char: 'd', summary: 'The package folder (default ./localmcp-<kind>-<name>).' }),
    api: Flags.string({
      summary: 'How to depend on @localmcp/plugin-api: auto, file, registry, or an npm spec.',
      default: 'auto',
    }),
    force: Flags.boolean({ char: 'f', summary: 'Write into a folder that is not empty.', default: false }),
  };

  async run(): Promise<ScaffoldPluginResult> {
    const { flags } = await this.parse(InitPlugin);
    let kind: PluginKind | undefined = flags.kind;
    let name = flags.name;
    if (kind === undefined || name === undefined) {
      if (!process.stdin.isTTY || !process.stdout.isTTY || this.jsonEnabled()) {
        this.error('--kind and --name are required when not on a terminal', { exit: 2 });
      }
      try {
        ({ kind, name } = await askPlugin({ kind, name }));
      } catch (error) {
        if (isPromptCancel(error)) this.error('cancelled', { exit: 130 });
        throw error;
      }
    }
    let result: ScaffoldPluginResult;
    try {
      result = await scaffoldPlugin({ kind, name, dir: flags.dir, api: flags.api, force: flags.force });
    } catch (error) {
      this.error(isLocalmcpError(error) ? error.message : errorMessage(error), {
        exit: error instanceof ScaffoldInputError ? 2 : ExitCodes.ERROR,
      });
    }
    if (!this.jsonEnabled()) {
      const dir = relative(process.cwd(), result.dir) || '.';
      this.log(
        `Created ${result.packageName} (${result.id}) in ${dir}, depending on @localmcp/plugin-api ${result.api}.`,
      );
      this.log(`\nNext:\n  cd ${dir} && npm install && npm test\n  localmcp plugins install ${dir}`);
      this.log('  then select it in localmcp.yaml as its README shows, and run localmcp serve');
    }
    return result;
  }
}
