import { AdminClient, AdminRequestError, adminFlags } from '../../admin-client.js';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { renderTable } from '../../table.js';
import type { BreakerView } from '../../../server/index.js';

export interface BreakersListing {
  policy: string;
  breakers: BreakerView[];
}

export default class BreakersList extends BaseCommand<typeof BreakersList> {
  static override summary = "Show the circuit breakers of a running gateway: each server's state and isolated tools.";
  static override description =
    'Asks the running gateway (its admin API at /api/v1/breakers) for the state of every upstream circuit: CLOSED, OPEN, HALF_OPEN or DECONSTRUCTED (split into per-tool circuits), with the tools that are isolated and when an open circuit lets a call through again. Exit code 3 when no gateway answers.';
  static override examples = [
    '<%= config.bin %> breakers list',
    '<%= config.bin %> breakers list --url http://127.0.0.1:7420 --admin-token $TOKEN --json',
  ];
  static override enableJsonFlag = true;
  static override flags = adminFlags;

  async run(): Promise<BreakersListing> {
    const client = new AdminClient(await this.setup(), this.flags);
    let listing: BreakersListing;
    try {
      listing = await client.request<BreakersListing>('/breakers');
    } catch (error) {
      this.fail(error, error instanceof AdminRequestError && error.kind === 'unreachable' ? ExitCodes.UNAVAILABLE : 1);
    }
    if (!this.jsonEnabled()) this.log(renderBreakers(listing));
    return listing;
  }
}

/** The table both `breakers list` and `breakers reset` print. */
export function renderBreakers({ policy, breakers }: BreakersListing): string {
  if (policy === 'none') return 'resilience.policy is none: no circuit breakers.';
  const rows = breakers.map((b) => [
    b.server,
    b.state,
    b.retryAfterMs === undefined ? '' : `${Math.ceil(b.retryAfterMs / 1000)} s`,
    b.trips === undefined ? '' : String(b.trips),
    b.tools.map((t) => `${t.tool} (${t.state})`).join(', '),
  ]);
  return `policy: ${policy}\n${renderTable(['SERVER', 'STATE', 'RETRY IN', 'TRIPS', 'ISOLATED TOOLS'], rows)}`;
}
