import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../telemetry/logger.js';
import type { UpstreamLists } from '../upstream/lists.js';
import { markTool, screenTool, type PoisoningFinding, type PoisoningScreen } from './poisoning.js';

export type PoisoningPolicy = 'mark' | 'hide' | 'off';

/** A tool the screen flagged, as /readyz, the admin API and `tools list` show it. */
export interface FlaggedTool {
  server: string;
  /** The upstream's own tool name. */
  tool: string;
  /** `marked`: listed with a warning and hidden text removed; `hidden`: not listed nor callable. */
  action: 'marked' | 'hidden';
  rules: string[];
  findings: Array<Pick<PoisoningFinding, 'rule' | 'field' | 'what' | 'excerpt'>>;
}

/** `_meta` key of a marked tool, so clients and `tools list` can tell it apart. */
export const POISONING_META_KEY = 'localmcp/poisoning';

/**
 * Screens each upstream's tools before they enter the catalog, by policy: `mark` rewrites flagged tools
 * ({@link markTool}), `hide` drops them, `off` lets everything through. Screens are remembered per tool object
 * (an upstream's list is replaced, never mutated), so a prompts-only update does not screen the tools again.
 */
export class ToolScreen {
  private readonly screens = new WeakMap<Tool, PoisoningScreen>();
  private readonly flaggedByServer = new Map<string, FlaggedTool[]>();

  constructor(
    readonly policy: PoisoningPolicy,
    private readonly logger: Logger,
  ) {}

  /** Every flagged tool, by server then name. */
  get flagged(): FlaggedTool[] {
    return [...this.flaggedByServer.values()].flat();
  }

  /** The lists to publish for `server`: tools marked or removed by policy; everything else unchanged. */
  apply(server: string, lists: UpstreamLists): UpstreamLists {
    if (this.policy === 'off') return lists;
    const flagged: FlaggedTool[] = [];
    const tools: Tool[] = [];
    for (const tool of lists.tools) {
      let screen = this.screens.get(tool);
      if (!screen) {
        screen = screenTool(tool);
        this.screens.set(tool, screen);
      }
      if (!screen.flagged) {
        tools.push(tool);
        continue;
      }
      const rules = [...new Set(screen.findings.map((f) => f.rule))];
      const action = this.policy === 'hide' ? 'hidden' : 'marked';
      flagged.push({
        server,
        tool: tool.name,
        action,
        rules,
        findings: screen.findings.map(({ rule, field, what, excerpt }) => ({ rule, field, what, excerpt })),
      });
      if (action === 'marked') {
        const marked = markTool(tool, screen);
        tools.push({ ...marked, _meta: { ...marked._meta, [POISONING_META_KEY]: { flagged: true, rules } } });
      }
    }
    const before = new Set((this.flaggedByServer.get(server) ?? []).map((f) => f.tool));
    for (const f of flagged.filter((f) => !before.has(f.tool))) {
      this.logger.warn(
        {
          server,
          tool: f.tool,
          action: f.action,
          rules: f.rules,
          findings: f.findings.map((x) => `${x.field}: ${x.what}`),
        },
        'tool description flagged as possible prompt injection',
      );
    }
    if (flagged.length > 0) this.flaggedByServer.set(server, flagged);
    else this.flaggedByServer.delete(server);
    return flagged.length === 0 ? lists : { ...lists, tools };
  }
}
