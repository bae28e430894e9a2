import { access, copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Flags } from '@oclif/core';

/** templates/ sits at the package root, two levels above dist/cli/commands. */
const TEMPLATES = fileURLToPath(new URL('../../../templates/', import.meta.url));

export default class Init extends Command {
  static override summary = 'Write a starter localmcp.yaml in the current directory.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --dir ./gateway --force'];
  static override enableJsonFlag = true;
  static override flags = {
    dir: Flags.directory({ char: 'd', summary: 'Directory to write into.', default: '.' }),
    force: Flags.boolean({ char: 'f', summary: 'Overwrite an existing localmcp.yaml.', default: false }),
  };

  async run(): Promise<{ file: string }> {
    const { flags } = await this.parse(Init);
    const file = resolve(flags.dir, 'localmcp.yaml');
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists && !flags.force) {
      this.error(`${file} already exists`, { exit: 1, suggestions: ['use --force to overwrite it'] });
    }
    await mkdir(dirname(file), { recursive: true });
    await copyFile(join(TEMPLATES, 'init', 'localmcp.yaml'), file);
    this.log(`Wrote ${file}. Edit mcpServers, then run \`localmcp serve\`.`);
    return { file };
  }
}
