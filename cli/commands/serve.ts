import { Flags } from '@oclif/core';
import { BaseCommand, ExitCodes } from '../base-command.js';
import { pluginCandidatesFromOclif } from '../plugin-candidates.js';
import { printReady } from '../ready-banner.js';
import {
  createLogger,
  Gateway,
  listenHttp,
  builtinPluginCandidates,
  loadPlugins,
  pluginLoadOptions,
  serveStdio,
  type Logger,
  type RunningHttpServer,
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
    'log-level': Flags.option({
      options: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      summary: 'Log level (logs are JSON lines on stderr).',
      env: 'LOCALMCP_LOG_LEVEL',
    })(),
  };

  async run(): Promise<void> {
    const { host, port, token, stateless, stdio, mode } = this.flags;
    const setup = await this.setup({ host, port, token, stateless });
    if (mode) setup.config.discovery.mode = mode;
    const logger = createLogger({ level: this.flags['log-level'] });
    for (const warning of setup.warnings) logger.warn({ file: setup.file }, warning);

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
    printReady((line) => process.stdout.write(`${line}\n`), http.url, gateway, setup);
    // The HTTP server keeps the process alive; shutdown happens in the signal handler.
  }

  /**
   * SIGINT/SIGTERM: stop accepting, let in-flight calls finish (up to shutdownGraceMs), end every upstream's
   * process tree, exit. A second signal exits at once (the process-group exit hook still kills children).
   */
  private onSignals(gateway: Gateway, logger: Logger, http: RunningHttpServer | undefined): void {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
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
  }
}
