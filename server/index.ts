/** localmcp's public entry: the gateway core and its adapters, for the CLI and for embedding. */
export { Gateway, type GatewayOptions, type Readiness } from './gateway/gateway.js';
export { listenHttp, type RunningHttpServer } from './http/listen.js';
export { createHttpApp } from './http/app.js';
export { serveStdio } from './stdio/serve-stdio.js';
export { createLogger, silentLogger, type Logger } from './telemetry/logger.js';
export { secretValues } from './telemetry/secrets.js';
export { recordLlmUsage, traceLlmCall, type LlmUsage } from './telemetry/llm.js';
export { runPrimary } from './cluster/primary.js';
export { isWorker, onPrimaryShutdown, reportReady } from './cluster/worker.js';
export type { UpstreamStatus, UpstreamState } from './upstream/upstream.js';
export { Catalog } from './catalog/catalog.js';
export { loadSetup, pluginLoadOptions, type Setup, type SetupOptions } from './setup.js';
export type { GatewayConfig, UpstreamConfig } from './config/schema.js';
export {
  builtinPluginCandidates,
  loadPlugins,
  PluginRegistry,
  type PluginCandidate,
  type PluginStatus,
} from './plugins/index.js';
export type { ToolSearchResult } from './discovery/tool-index.js';
export type { DiscoveryMode } from './config/schema.js';
export type { BreakerView } from './resilience/view.js';
export type { GatewayEventMap } from './gateway/events.js';
export { KeyStore, keyFilePath, type ApiKeyInfo } from './security/key-store.js';
export type { AgentEvent, AgentRun, AgentStep, LlmView, RoutedResponse } from './llm/index.js';
