// Time-zone arithmetic for the toolbox demo, on top of Intl only: the demo servers ship inside the
// package, and a date library would be a dependency for two tools.

/** One instant as seen in one zone. */
export type ZonedTime = {
  timezone: string;
  /** The instant in UTC, e.g. 2025-01-31T08:00:00.000Z. */
  iso: string;
  /** Wall-clock time in the zone with its offset, e.g. 2025-01-31T17:00:00+09:00. */
  local: string;
  offset: string;
  /** For people: e.g. "Friday, January 31, 2025 at 5:00:00 PM GMT+9". */
  formatted: string;
};

/** Returns the zone as given if Intl knows it, or throws an Error saying what a valid zone looks like. */
export function checkTimeZone(zone: string): string {
  try {
    // Not resolvedOptions().timeZone: ICU canonicalises to legacy names (Asia/Kolkata -> Asia/Calcutta).
    new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() });
    return zone.trim();
  } catch {
    throw new Error(`Unknown time zone '${zone}': use an IANA name such as UTC, Europe/Paris or America/New_York`);
  }
}

export function describeInstant(date: Date, zone: string): ZonedTime {
  const timezone = checkTimeZone(zone);
  const wall = wallClock(date, timezone);
  const offset = formatOffset(wall.utcMs - Math.floor(date.getTime() / 1000) * 1000);
  const formatted = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    dateStyle: 'full',
    timeStyle: 'long',
  }).format(date);
  return { timezone, iso: date.toISOString(), local: `${wall.text}${offset}`, offset, formatted };
}

const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Parses an ISO 8601 time. With an offset (Z, +02:00) it is an instant and `zone` is ignored; without
 * one it is a wall-clock time in `zone` — the case that makes "9:00 in New York, in Tokyo?" answerable.
 */
export function parseTime(input: string, zone: string): Date {
  const trimmed = input.trim();
  const invalid = new Error(
    `Invalid time '${input}': expected ISO 8601 such as 2025-01-31T09:00 or 2025-01-31T09:00:00Z`,
  );
  if (WITH_OFFSET.test(trimmed)) {
    const date = new Date(trimmed);
    if (Number.isNaN(date.getTime())) throw invalid;
    return date;
  }
  const m = WALL_TIME.exec(trimmed);
  if (!m) throw invalid;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  const asUtc = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis);
  if (new Date(asUtc).getUTCDate() !== day) throw invalid; // rejects 2025-02-30 instead of rolling over
  const timezone = checkTimeZone(zone);
  // The zone's offset depends on the instant we are looking for; one correction settles DST edges.
  let instant = asUtc - offsetMs(asUtc, timezone);
  instant = asUtc - offsetMs(instant, timezone);
  return new Date(instant);
}

function offsetMs(instant: number, zone: string): number {
  return wallClock(new Date(instant), zone).utcMs - Math.floor(instant / 1000) * 1000;
}

// The zone's wall-clock reading of `date`, both as text and as if that reading were a UTC time.
function wallClock(date: Date, zone: string): { text: string; utcMs: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '00';
  const [y, mo, d, h, mi, s] = [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
  return {
    text: `${y}-${mo}-${d}T${h}:${mi}:${s}`,
    utcMs: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)),
  };
}

function formatOffset(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
