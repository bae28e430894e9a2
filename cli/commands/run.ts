import { Args, Flags } from '@oclif/core';
import {
  builtinPluginCandidates,
  Gateway,
  loadPlugins,
  pluginLoadOptions,
  silentLogger,
  type AgentEvent,
  type AgentRun,
} from '../../server/index.js';
import { BaseCommand, ExitCodes } from '../base-command.js';
import { pluginCandidatesFromOclif } from '../plugin-candidates.js';

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'Give a task to the agent: a model that finds and calls the tools of your MCP servers.';
  static override description =
    'Starts the configured upstreams, then lets the model of llm.agent.model (or llm.default) work on the task with ' +
    "only the gateway's discovery tools (search_tools, call_tool, list_servers): it searches for what it needs, " +
    'calls tools (independent calls in parallel, dependent ones in order) and answers. Steps are printed as they ' +
    'happen; --json prints the whole run (steps, answer, tokens, cost) at the end.';
  static override examples = [
    '<%= config.bin %> run "What time is it in Tokyo?"',
    '<%= config.bin %> run "Add a note titled groceries with milk and eggs" --model smart',
    '<%= config.bin %> run "Summarise my notes" --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    task: Args.string({ required: true, description: 'What to do, in plain words.' }),
  };
  static override flags = {
    model: Flags.string({ char: 'm', summary: 'A model alias of llm.models, or <provider>/<model>.' }),
    'max-steps': Flags.integer({ summary: 'Model turns before the run stops.', min: 1, max: 200 }),
  };

  async run(): Promise<AgentRun> {
    const { args } = await this.parse(Run);
    const setup = await this.setup();
    if (Object.keys(setup.config.llm.models).length === 0) {
      this.error('no model is configured: add providers and model aliases to the llm section of the config', {
        exit: ExitCodes.CONFIG,
        suggestions: ['see `llm:` in the README: llm.providers, llm.models and llm.default'],
      });
    }
    const logger = silentLogger();
    const plugins = await loadPlugins(
      [...builtinPluginCandidates(), ...(await pluginCandidatesFromOclif(this.config))],
      { ...pluginLoadOptions(setup.config), logger },
    ).catch((error: unknown) => this.fail(error, ExitCodes.CONFIG));
    const upstreams = setup.upstreams.map((u) => ({ ...u, restart: { ...u.restart, maxAttempts: 0 } }));
    const gateway = new Gateway({ config: setup.config, upstreams, logger, plugins, dataDir: this.config.dataDir });
    const controller = new AbortController();
    const interrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    try {
      await gateway.start();
      for (const s of gateway.upstreams.statuses()) {
        if (s.state !== 'ready' && s.state !== 'disabled')
          this.warn(`server "${s.name}" is unavailable: ${s.lastError ?? s.state}`);
      }
      const printer = new StepPrinter(
        (line) => this.log(line),
        (text) => process.stdout.write(text),
      );
      const run = await gateway.llm.runAgent(gateway.discovery, {
        task: args.task,
        model: this.flags.model,
        maxSteps: this.flags['max-steps'],
        signal: controller.signal,
        principal: 'cli',
        onEvent: this.jsonEnabled() ? undefined : (event) => printer.print(event),
      });
      if (!this.jsonEnabled()) {
        printer.end();
        const cost = run.costUsd > 0 ? ` · $${run.costUsd.toFixed(4)}` : '';
        this.log(
          `\n${run.stopped === 'answer' ? 'done' : `stopped after ${run.steps.filter((s) => s.type === 'model').length} model turns`}` +
            ` in ${(run.ms / 1000).toFixed(1)} s · ${run.usage.inputTokens} prompt + ${run.usage.outputTokens} completion tokens${cost}`,
        );
      }
      return run;
    } catch (error) {
      this.fail(error);
    } finally {
      process.off('SIGINT', interrupt);
      await gateway.stop(0);
    }
  }
}

/** Prints agent events as they come: streamed text as is, steps one line each. */
class StepPrinter {
  #streaming = false;
  /** The text streamed in the current turn, and in the last finished one (so an answer is not printed twice). */
  #turnText = '';
  #streamed = '';

  constructor(
    private readonly line: (text: string) => void,
    private readonly write: (text: string) => void,
  ) {}

  print(event: AgentEvent): void {
    if (event.type === 'text') {
      this.write(event.text);
      this.#streaming = true;
      this.#turnText += event.text;
      return;
    }
    this.end();
    switch (event.type) {
      case 'model': {
        this.#streamed = this.#turnText;
        this.#turnText = '';
        const calls = event.toolCalls.map((c) => `${c.name}(${short(JSON.stringify(c.arguments), 80)})`);
        this.line(
          `· turn ${event.turn}: ${event.provider}/${event.model} ${(event.ms / 1000).toFixed(1)} s, ` +
            `${event.usage.inputTokens}→${event.usage.outputTokens} tokens${calls.length > 0 ? ` → ${calls.join(', ')}` : ''}`,
        );
        break;
      }
      case 'plan':
        if (event.waves.length > 1 || event.waves[0]!.length > 1) {
          this.line(`  plan: ${event.waves.map((wave) => `[${wave.join(', ')}]`).join(' → ')}`);
        }
        break;
      case 'plan_error':
        this.line(`  ✗ plan: ${event.error}`);
        break;
      case 'tool':
        this.line(
          `  ${event.ok ? '✓' : '✗'} ${event.target ?? event.name} (${event.ms} ms): ${short(event.result.replace(/\s+/g, ' '), 100)}`,
        );
        break;
      case 'answer':
        if (event.text !== this.#streamed) this.line(`\n${event.text}`);
        break;
    }
  }

  /** Ends a streamed line. */
  end(): void {
    if (this.#streaming) this.write('\n');
    this.#streaming = false;
  }
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
