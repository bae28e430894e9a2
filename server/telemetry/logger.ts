import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { SECRET_LOG_PATHS } from '../security/redact.js';
import { lineScrubber } from './secrets.js';

export type Logger = PinoLogger;

/** `auto`: human-readable when the destination is a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  /** Where log lines go; stderr by default so that stdout stays free for protocol messages (`--stdio`). */
  destination?: NodeJS.WritableStream | number;
  /** `LOCALMCP_LOG_FORMAT` wins over this; the default is `auto`. */
  format?: LogFormat;
  /**
   * Values to scrub from every line wherever they appear (the configured token, API keys, upstream env secrets:
   * see `secretValues()`), on top of field redaction and the text patterns of `redactSecrets()`.
   */
  secrets?: readonly string[];
}

// Field paths whose values are secrets whatever they hold, next to the security layer's SECRET_LOG_PATHS.
const REDACT_PATHS = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'headers.cookie',
  '*.headers.cookie',
  // An upstream's environment and headers are its credentials more often than not: never logged, even in debug.
  'env',
  '*.env',
  'upstream.headers',
  'upstreams[*].headers',
  'upstreams[*].env',
];

/**
 * The gateway's structured logger: JSON lines on stderr (human-readable on a terminal). Secrets are removed at
 * the source, in three layers, so that no sink ever sees them: pino redacts known field paths, then each
 * serialized line loses the configured secret values and anything that looks like a credential.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? 2;
  const format = logFormat(options.format);
  const pretty = format === 'pretty' || (format === 'auto' && destination === 2 && process.stderr.isTTY === true);
  const scrub = lineScrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? process.env.LOCALMCP_LOG_LEVEL ?? 'info',
      base: { name: 'localmcp' },
      redact: { paths: [...new Set([...REDACT_PATHS, ...SECRET_LOG_PATHS])], censor: '[redacted]' },
      hooks: { streamWrite: scrub },
    },
    pretty ? prettyStream(destination) : toDestination(destination),
  );
}

function logFormat(configured: LogFormat | undefined): LogFormat {
  const fromEnv = process.env.LOCALMCP_LOG_FORMAT;
  if (fromEnv === 'json' || fromEnv === 'pretty' || fromEnv === 'auto') return fromEnv;
  return configured ?? 'auto';
}

function toDestination(destination: NodeJS.WritableStream | number): DestinationStream | NodeJS.WritableStream {
  return typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
}

/**
 * pino-pretty as a stream in this thread (not a worker transport: a crash must not lose its last lines). Loaded
 * only when used, so JSON logging never pays for it.
 */
function prettyStream(destination: NodeJS.WritableStream | number): DestinationStream {
  const require = createRequire(import.meta.url);
  const build = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return build({
    destination,
    sync: true,
    colorize: typeof destination === 'number' ? process.stderr.isTTY === true : false,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  });
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
