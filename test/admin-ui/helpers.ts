// Real Chromium for the admin panel's end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core (no
// browser download), in a fresh profile, with the network features that would reach out to Google turned off.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../server/config/schema.js';
import { toUpstreams } from '../../server/config/upstreams.js';
import { Gateway } from '../../server/gateway/gateway.js';
import { listenHttp } from '../../server/http/listen.js';
import {
  builtinPluginCandidates,
  loadPlugins,
  readPluginCandidate,
  type PluginCandidate,
} from '../../server/plugins/index.js';
import { pluginLoadOptions } from '../../server/setup.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { REPO, type InProcessGateway } from '../helpers/gateway.js';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A headless Chromium with an empty profile (`--user-data-dir`, which playwright takes as its own argument). */
export async function launchChromium(viewport = { width: 1366, height: 860 }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'localmcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where the run's screenshots go: test-results/admin-ui (git-ignored), emptied by nobody but the next run. */
export async function screenshotDir(): Promise<string> {
  const dir = join(REPO, 'test-results', 'admin-ui');
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * startGateway with the built-in plugins and the first-party provider plugins loaded as `serve` loads them, so the
 * Plugins and LLM pages have something to show.
 */
export async function startGatewayWithPlugins(input: GatewayConfigInput): Promise<InProcessGateway> {
  const config = GatewayConfigSchema.parse(input);
  const logger = silentLogger();
  const providers = await Promise.all(
    ['provider-openai', 'provider-anthropic'].map((p) => readPluginCandidate(join(REPO, 'plugins', p), 'core')),
  );
  const candidates = [...builtinPluginCandidates(), ...providers.filter((c): c is PluginCandidate => c !== undefined)];
  const plugins = await loadPlugins(candidates, { ...pluginLoadOptions(config), logger });
  const gateway = new Gateway({ config, upstreams: toUpstreams(config), logger, plugins });
  const http = await listenHttp(gateway, '127.0.0.1', 0);
  await gateway.start();
  return {
    gateway,
    url: http.url,
    close: async () => {
      await http.close();
      await gateway.stop(1000);
    },
  };
}
