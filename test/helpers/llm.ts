// The LLM gateway in tests: the first-party provider plugins loaded from their packages (as oclif finds them at
// `serve` time), a gateway with them, and the loopback fakes of each vendor's wire format.
import { join } from 'node:path';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../server/config/schema.js';
import { toUpstreams } from '../../server/config/upstreams.js';
import { Gateway } from '../../server/gateway/gateway.js';
import { listenHttp } from '../../server/http/listen.js';
import { builtinPluginCandidates, loadPlugins, readPluginCandidate } from '../../server/plugins/index.js';
import type { PluginCandidate, PluginRegistry } from '../../server/plugins/index.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { REPO } from './gateway.js';

export {
  startFakeOpenAIChat,
  type FakeOpenAIChat,
} from '../../plugins/provider-openai/test/helpers/fake-openai-chat.js';
export {
  startFakeAnthropic,
  type FakeAnthropic,
} from '../../plugins/provider-anthropic/test/helpers/fake-anthropic.js';
export { startFakeGemini, type FakeGemini } from '../../plugins/provider-google/test/helpers/fake-gemini.js';

/** The real tokenizer of all-MiniLM-L6-v2 (see /work/shared/models/README.md), referenced where it lies. */
export const SHARED_TOKENIZER = '/work/shared/models/all-MiniLM-L6-v2-tokenizer';

/** A throwaway API key in the environment, for providers that want one (the fakes accept any). */
export const TEST_KEY_ENV = 'LOCALMCP_TEST_LLM_KEY';
process.env[TEST_KEY_ENV] = 'test-key';

/**
 * The built-in and first-party provider plugins, loaded the way `serve` loads oclif's core plugins (bundled plugins
 * are only created when used, so these are available for the LLM layer to instantiate per provider entry).
 */
export async function loadProviderPlugins(): Promise<PluginRegistry> {
  const packages = ['provider-openai', 'provider-anthropic', 'provider-google'];
  const candidates = await Promise.all(packages.map((p) => readPluginCandidate(join(REPO, 'plugins', p), 'core')));
  return loadPlugins(
    [...builtinPluginCandidates(), ...candidates.filter((c): c is PluginCandidate => c !== undefined)],
    {
      logger: silentLogger(),
    },
  );
}

export interface LlmGateway {
  gateway: Gateway;
  plugins: PluginRegistry;
  url: string;
  close(): Promise<void>;
}

/** The real gateway with the provider plugins, on 127.0.0.1 and a free port, upstreams started. */
export async function startLlmGateway(input: GatewayConfigInput): Promise<LlmGateway> {
  const config = GatewayConfigSchema.parse(input);
  const plugins = await loadProviderPlugins();
  const gateway = new Gateway({ config, upstreams: toUpstreams(config), logger: silentLogger(), plugins });
  const http = await listenHttp(gateway, '127.0.0.1', 0);
  await gateway.start();
  return {
    gateway,
    plugins,
    url: http.url,
    close: async () => {
      await http.close();
      await gateway.stop(1000);
    },
  };
}

/** A provider entry for `llm.providers` pointing at a fake server. */
export function fakeProvider(plugin: 'openai' | 'anthropic' | 'google', baseURL: string, timeoutMs?: number) {
  return {
    plugin: `provider:${plugin}`,
    options: { baseURL, apiKeyEnv: TEST_KEY_ENV, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
  };
}
