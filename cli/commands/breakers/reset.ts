import { Args, Flags } from '@oclif/core';
import { AdminClient, AdminRequestError, adminFlags } from '../../admin-client.js';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { renderBreakers, type BreakersListing } from './list.js';

export default class BreakersReset extends BaseCommand<typeof BreakersReset> {
  static override summary = 'Close a circuit of a running gateway: a whole server, one tool, or every server.';
  static override description =
    "Resets the circuit of <server> (and its per-tool circuits and trip history), of one tool with <server>/<tool> (the upstream's own tool name), or with --all every circuit, through the admin API. Exit code 3 when no gateway answers.";
  static override examples = [
    '<%= config.bin %> breakers reset github',
    '<%= config.bin %> breakers reset github/create_issue',
    '<%= config.bin %> breakers reset --all --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    target: Args.string({ description: '<server> or <server>/<tool>', required: false }),
  };
  static override flags = {
    ...adminFlags,
    all: Flags.boolean({ summary: 'Reset every circuit.', default: false }),
  };

  async run(): Promise<BreakersListing & { reset: { server: string; tool?: string } }> {
    const { args } = await this.parse(BreakersReset);
    if (!args.target && !this.flags.all) this.error('name a <server> or <server>/<tool>, or pass --all', { exit: 2 });
    if (args.target && this.flags.all) this.error('give either a target or --all, not both', { exit: 2 });
    const slash = args.target?.indexOf('/') ?? -1;
    const body =
      args.target === undefined
        ? {}
        : slash > 0
          ? { server: args.target.slice(0, slash), tool: args.target.slice(slash + 1) }
          : { server: args.target };
    const client = new AdminClient(await this.setup(), this.flags);
    let answer: BreakersListing & { reset: { server: string; tool?: string } };
    try {
      answer = await client.request('/breakers/reset', body);
    } catch (error) {
      this.fail(error, error instanceof AdminRequestError && error.kind === 'unreachable' ? ExitCodes.UNAVAILABLE : 1);
    }
    if (!this.jsonEnabled()) {
      const what = answer.reset.tool ? `${answer.reset.server}/${answer.reset.tool}` : answer.reset.server;
      this.log(`reset ${what === '*' ? 'every circuit' : what}\n${renderBreakers(answer)}`);
    }
    return answer;
  }
}
