import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Where log lines go; stderr by default so that stdout stays free for protocol messages (`--stdio`). */
  destination?: NodeJS.WritableStream | number;
}

/**
 * The gateway's structured logger: JSON lines on stderr. Authorization headers and token-like fields are
 * redacted at the source so that no sink ever sees them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? 2;
  return pino(
    {
      level: options.level ?? process.env.LOCALMCP_LOG_LEVEL ?? 'info',
      base: { name: 'localmcp' },
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'apiKey', '*.apiKey'],
        censor: '[redacted]',
      },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination,
  );
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
