import { Flags } from '@oclif/core';
import { BaseCommand, ExitCodes } from '../base-command.js';
import { pluginCandidatesFromOclif } from '../plugin-candidates.js';
import { printReady } from '../ready-banner.js';
import {
  createLogger,
  Gateway,
  listenHttp,
  builtinPluginCandidates,
  isWorker,
  loadPlugins,
  onPrimaryShutdown,
  pluginLoadOptions,
  reportReady,
  runPrimary,
  secretValues,
  serveStdio,
  type Logger,
  type RunningHttpServer,
  type Setup,
} from '../../server/index.js';

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Run the gateway: every configured MCP server behind one MCP endpoint.';
  static override description = `Serves Streamable HTTP at /mcp and legacy SSE at /sse (+ /messages), or one session over stdin/stdout with --stdio.
Without a config file it starts two built-in demo servers (notes, toolbox), so it works on a fresh machine.
Health: GET /healthz (alive), GET /readyz (each upstream's state; 503 until every upstream has had its first try).`;
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --config ~/.cursor/mcp.json --port 8080',
    '<%= config.bin %> serve --stdio --config localmcp.yaml',
    'LOCALMCP_TOKEN=secret <%= config.bin %> serve --host 0.0.0.0',
    '<%= config.bin %> serve --workers 4 --config localmcp.yaml   # with a redis section, or --stateless',
  ];
  static override flags = {
    host: Flags.string({
      summary: 'Address to bind (default 127.0.0.1). A non-loopback address needs --token.',
      env: 'LOCALMCP_HOST',
    }),
    port: Flags.integer({
      char: 'p',
      summary: 'Port to listen on (default 7420; 0 picks a free one).',
      env: 'LOCALMCP_PORT',
      min: 0,
      max: 65535,
    }),
    token: Flags.string({ summary: 'Bearer token required on every HTTP request.', env: 'LOCALMCP_TOKEN' }),
    'admin-token': Flags.string({
      summary: 'Token of the admin API (/api/v1) and panel; without one they answer only on loopback.',
      env: 'LOCALMCP_ADMIN_TOKEN',
    }),
    stdio: Flags.boolean({
      summary: 'Serve one MCP session over stdin/stdout instead of HTTP (logs go to stderr).',
      default: false,
    }),
    mode: Flags.option({
      options: ['all', 'discovery', 'hybrid'] as const,
      summary: 'Tools shown to clients: all, only the discovery meta-tools, or meta-tools plus pinned tools.',
      env: 'LOCALMCP_MODE',
    })(),
    stateless: Flags.boolean({ summary: 'Streamable HTTP without sessions: each POST stands alone.', allowNo: true }),
    workers: Flags.integer({
      summary:
        'Processes serving the port (node:cluster). Above 1, sessions are shared through `redis` (or use --stateless).',
      env: 'LOCALMCP_WORKERS',
      min: 1,
      max: 64,
    }),
    'log-level': Flags.option({
      options: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      summary: 'Log level (logs are JSON lines on stderr).',
      env: 'LOCALMCP_LOG_LEVEL',
    })(),
  };

  async run(): Promise<void> {
    const { host, port, token, stateless, stdio, mode, workers } = this.flags;
    const setup = await this.setup({ host, port, token, stateless, adminToken: this.flags['admin-token'] });
    if (mode) setup.config.discovery.mode = mode;
    const rootLogger = createLogger({
      level: this.flags['log-level'],
      format: setup.config.telemetry.logFormat,
      // Every configured secret is scrubbed from log lines by value, whatever field or message it turns up in.
      secrets: secretValues(setup.config, setup.upstreams),
    });
    const logger = isWorker() ? rootLogger.child({ worker: Number(process.env.LOCALMCP_WORKER_SLOT) }) : rootLogger;
    if (!isWorker()) for (const warning of setup.warnings) logger.warn({ file: setup.file }, warning);
    logger.debug({ upstreams: setup.upstreams }, 'upstreams configured');
    if (workers !== undefined && workers > 1 && !isWorker()) return this.runWorkers(workers, setup, logger);

    const plugins = await loadPlugins(
      [...builtinPluginCandidates(), ...(await pluginCandidatesFromOclif(this.config))],
      {
        ...pluginLoadOptions(setup.config),
        logger: logger.child({ component: 'plugins' }),
      },
    ).catch((error: unknown) => this.fail(error, ExitCodes.ERROR));

    const gateway = new Gateway({
      config: setup.config,
      upstreams: setup.upstreams,
      logger,
      plugins,
      dataDir: this.config.dataDir,
    });
    if (stdio) {
      this.onSignals(gateway, logger, undefined);
      await gateway.start();
      await serveStdio(gateway);
      await gateway.stop();
      return;
    }

    let http: RunningHttpServer;
    try {
      http = await listenHttp(gateway, setup.config.gateway.host, setup.config.gateway.port);
    } catch (error) {
      await gateway.stop(0);
      this.fail(error, ExitCodes.ERROR);
    }
    this.onSignals(gateway, logger, http);
    logger.info({ url: http.url, file: setup.file ?? '(built-in demo servers)' }, 'listening');
    await gateway.start();
    if (isWorker()) {
      const lines: string[] = [];
      printReady((line) => lines.push(line), http.url, gateway, setup);
      reportReady(lines);
    } else {
      printReady((line) => process.stdout.write(`${line}\n`), http.url, gateway, setup);
    }
    // The HTTP server keeps the process alive; shutdown happens in the signal handler.
  }

  /** `--workers N`: this process forks N workers running this command and supervises them (server/cluster). */
  private async runWorkers(workers: number, setup: Setup, logger: Logger): Promise<void> {
    if (this.flags.stdio) this.error('--workers serves HTTP; it cannot be combined with --stdio.', { exit: 2 });
    if (!setup.config.redis && !setup.config.gateway.stateless) {
      this.error(
        `--workers ${workers} needs shared session state: configure a \`redis\` section, or serve --stateless.`,
        { exit: 2, suggestions: ['redis: { url: redis://127.0.0.1:6379 }', 'localmcp serve --stateless --workers 2'] },
      );
    }
    // Legacy SSE keeps its stream in one worker; its POSTs come on other connections, which may reach another.
    logger.warn(
      { workers },
      'legacy SSE sessions (/sse) are not shared between workers: use Streamable HTTP (/mcp) with --workers',
    );
    const code = await runPrimary({
      workers,
      logger,
      print: (line) => process.stdout.write(`${line}\n`),
      shutdownGraceMs: setup.config.gateway.shutdownGraceMs,
    });
    logger.info({}, 'stopped');
    process.exit(code);
  }

  /**
   * SIGINT/SIGTERM: stop accepting, let in-flight calls finish (up to shutdownGraceMs), end every upstream's
   * process tree, exit. A second signal exits at once (the process-group exit hook still kills children).
   */
  private onSignals(gateway: Gateway, logger: Logger, http: RunningHttpServer | undefined): void {
    let stopping = false;
    const stop = (signal: NodeJS.Signals | 'primary') => {
      // The primary's request repeats what a terminal's Ctrl-C already sent: it never means "exit now".
      if (stopping && signal === 'primary') return;
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal, inFlight: gateway.router.pending }, 'shutting down');
      void (async () => {
        http?.stopAccepting();
        const graceMs = gateway.config.gateway.shutdownGraceMs;
        await (http ? http.drain(graceMs) : gateway.router.drain(graceMs));
        await http?.close();
        await gateway.stop(0);
        logger.info({}, 'stopped');
        process.exit(0);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    onPrimaryShutdown(() => stop('primary'));
  }
}
