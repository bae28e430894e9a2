import { AdminClient, AdminRequestError, adminFlags } from '../../admin-client.js';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { renderTable } from '../../table.js';
import type { CacheStats } from '../../../server/cache/index.js';

/** What `GET /api/v1/cache` answers. */
export interface CacheListing {
  enabled: boolean;
  stats?: CacheStats;
}

export default class CacheStatsCommand extends BaseCommand<typeof CacheStatsCommand> {
  static override summary = 'Show the tool result cache of a running gateway: hits, misses and size of each layer.';
  static override description =
    'Asks the running gateway (its admin API at /api/v1/cache) for the counters of L1 (memory), L2 (Redis) and L3 (similar calls) since it started, and for the calls that reached the upstream. Counters are per gateway process; L2 entries live in Redis, so their count and size are not shown. Exit code 3 when no gateway answers.';
  static override examples = [
    '<%= config.bin %> cache stats',
    '<%= config.bin %> cache stats --url http://127.0.0.1:7420 --admin-token $TOKEN --json',
  ];
  static override enableJsonFlag = true;
  static override flags = adminFlags;

  async run(): Promise<CacheListing> {
    const client = new AdminClient(await this.setup(), this.flags);
    let listing: CacheListing;
    try {
      listing = await client.request<CacheListing>('/cache');
    } catch (error) {
      this.fail(error, error instanceof AdminRequestError && error.kind === 'unreachable' ? ExitCodes.UNAVAILABLE : 1);
    }
    if (!this.jsonEnabled()) this.log(renderCacheStats(listing));
    return listing;
  }
}

const HEADERS = ['LAYER', 'HITS', 'MISSES', 'HIT RATE', 'ENTRIES', 'BYTES', 'EVICTIONS', 'STALE SERVES', 'ERRORS'];

/** The per-layer table and a few lines on the upstream path; `cache clear` prints it too. */
export function renderCacheStats({ enabled, stats }: CacheListing): string {
  if (!enabled || !stats) return 'The tool result cache is disabled (cache.enabled: false).';
  const { l1, l2, l3, upstream } = stats;
  const rows = [
    [
      'l1 memory',
      String(l1.hits),
      String(l1.misses),
      hitRate(l1.hits + l1.staleHits, l1.misses),
      String(l1.entries),
      `${formatBytes(l1.bytes)} of ${formatBytes(l1.maxBytes)}`,
      String(l1.evictions),
      String(l1.staleHits),
      '-',
    ],
    l2.enabled
      ? [
          'l2 redis',
          String(l2.hits),
          String(l2.misses),
          hitRate(l2.hits + l2.staleHits, l2.misses),
          '-',
          '-',
          '-',
          String(l2.staleHits),
          String(l2.errors),
        ]
      : ['l2 redis', 'off'],
    l3.enabled
      ? [
          'l3 similar',
          String(l3.hits),
          String(l3.misses),
          hitRate(l3.hits, l3.misses),
          String(l3.entries),
          '-',
          String(l3.evictions),
          '-',
          String(l3.errors),
        ]
      : ['l3 similar', 'off'],
  ].map((row) => [...row, ...Array<string>(HEADERS.length - row.length).fill('')]);
  const lines = [renderTable(HEADERS, rows)];
  lines.push(
    `upstream: ${upstream.fetches} calls for cacheable tools (${upstream.coalesced} more joined one under way, ` +
      `${upstream.inFlight} in flight now), ${upstream.bypass} not cacheable, ${upstream.errorResults} error results ` +
      `not stored, ${upstream.refreshes} background refreshes (${upstream.refreshFailures} failed), ` +
      `${upstream.lastGood} last-good fallbacks, ${upstream.invalidations} invalidations`,
  );
  if (l1.tooLarge > 0) lines.push(`l1: ${l1.tooLarge} results too large to keep (cache.l1.maxEntryBytes)`);
  if (l2.enabled) {
    lines.push(
      `l2: Redis ${l2.ready ? 'ready' : 'NOT ready'}, invalidations ${l2.subscribed ? 'subscribed' : 'NOT subscribed'} ` +
        `(${l2.invalidationsReceived} received); ${l2.writes} writes (${formatBytes(l2.bytesWritten)}), ` +
        `${formatBytes(l2.bytesRead)} read, ${l2.skipped} skipped while Redis was away, ${l2.tooLarge} too large`,
    );
  }
  return lines.join('\n');
}

function hitRate(hits: number, misses: number): string {
  const total = hits + misses;
  return total === 0 ? '-' : `${((hits / total) * 100).toFixed(1)}%`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
