// The config module's public surface: what the CLI and the rest of the server import.
export { applyOverrides, envOverrides, loadConfig, parseConfig, toUpstreams } from './load.js';
export type { GatewayOverrides, LoadConfigOptions, LoadedConfig, ToUpstreamsOptions } from './load.js';
export { GatewayConfigSchema, SERVER_TYPES, ServerConfigSchema } from './schema.js';
export type {
  GatewayConfig,
  GatewayConfigInput,
  ServerConfig,
  ServerConfigInput,
  Transport,
  UpstreamConfig,
} from './schema.js';
export type { ConfigIssue } from './format-issues.js';
export { CONFIG_FILE_NAMES } from './paths.js';
// For `localmcp init --import`: read another client's file as the loader does, without interpolating it.
export { parseConfigText, stripJsonc } from './parse-text.js';
export { stripUnknownKeys } from './unknown-keys.js';
