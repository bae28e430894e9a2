import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DiscoveryMode } from '../config/schema.js';
import type { DiscoveryService } from '../discovery/service.js';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { allowsServer, FULL_ACCESS, type Scope } from '../security/scopes.js';
import type { GatewayEvents } from './events.js';
import type { Router } from './router.js';
import { answerToolCallsDirectly, type ToolCallHandler } from './direct-tool-calls.js';
import { toWireError } from './mcp-errors.js';

export const GATEWAY_SERVER_INFO = { name: 'localmcp', version: '0.1.0' } as const;

const INSTRUCTIONS: Record<DiscoveryMode, string> = {
  all: 'localmcp is a gateway in front of several MCP servers. Tool and prompt names are prefixed with the server they come from (`<server>__<tool>`).',
  discovery:
    'localmcp is a gateway in front of many MCP servers. To use a tool, first find it with search_tools (describe the task), then run it with call_tool. list_servers gives an overview.',
  hybrid:
    'localmcp is a gateway in front of many MCP servers. A few tools are listed directly; find any other with search_tools (describe the task) and run it with call_tool.',
};

/** Who a session serves: its principal id (audit) and scope (what it lists and may call). */
export interface SessionPrincipal {
  id: string;
  scope: Scope;
}

const ANONYMOUS: SessionPrincipal = { id: 'anonymous', scope: FULL_ACCESS };

export interface SessionDeps {
  catalog: Catalog;
  router: Router;
  discovery: DiscoveryService;
  events: GatewayEvents;
}

/**
 * One downstream MCP session: an SDK Server whose handlers answer from the shared catalog and router. Each
 * transport session (Streamable HTTP, SSE, stdio) gets its own, as the SDK requires one Server per transport.
 * Returns the server and a `dispose` that unsubscribes it from catalog changes.
 */
export function createSessionServer(
  deps: SessionDeps,
  mode: DiscoveryMode,
  principal: SessionPrincipal = ANONYMOUS,
): { server: Server; dispose: () => void } {
  const { catalog, router, discovery, events } = deps;
  const { scope } = principal;
  // Names this session's sequence of tool calls (predictive pre-loading learns from it; the audit event carries it).
  const sessionId = randomUUID();
  // Prompts and resources have no tool name: only a scope that grants their whole server reaches them.
  const reaches = (server: string) => allowsServer(scope, server);
  const server = new Server(GATEWAY_SERVER_INFO, {
    capabilities: {
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { listChanged: true },
    },
    instructions: INSTRUCTIONS[mode],
  });

  const guard =
    <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await handler(...args);
      } catch (error) {
        throw toWireError(error);
      }
    };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: discovery.listTools(mode, scope) }));

  const callTool: ToolCallHandler = guard(async (request, extra) => {
    const token = request.params._meta?.progressToken;
    const { name, arguments: args } = request.params;
    const started = Date.now();
    const audit = (ok: boolean) => {
      const target = name === 'call_tool' && typeof args?.name === 'string' ? args.name : undefined;
      events.emit('tool:called', {
        principal: principal.id,
        name,
        target,
        ok,
        ms: Date.now() - started,
        at: started,
        session: sessionId,
      });
    };
    const result = discovery.callTool(name, args, mode, {
      scope,
      principal: principal.id,
      session: sessionId,
      // Read only when an upstream is called: the direct path creates it on first use (see direct-tool-calls.ts).
      get signal() {
        return extra.signal;
      },
      meta: request.params._meta,
      // Progress from upstream is relayed under the token the downstream client chose.
      onprogress:
        token === undefined
          ? undefined
          : (progress) =>
              void extra
                .sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...progress } })
                .catch(() => undefined),
    });
    return result.then(
      (value) => (audit(!value.isError), value),
      (error: unknown) => {
        audit(false);
        throw error;
      },
    );
  });
  server.setRequestHandler(CallToolRequestSchema, callTool);
  answerToolCallsDirectly(server, callTool);

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: catalog
      .listPrompts()
      .filter((entry) => reaches(entry.server))
      .map((entry) => ({ ...entry.item, name: entry.publicName })),
  }));
  server.setRequestHandler(
    GetPromptRequestSchema,
    guard(async (request, extra) => {
      const entry = catalog.resolvePrompt(request.params.name);
      if (entry && !reaches(entry.server)) {
        throw new LocalmcpError(
          ErrorCodes.PROMPT_NOT_FOUND,
          `Unknown prompt "${request.params.name}". Call prompts/list for the available prompts.`,
        );
      }
      return router.getPrompt(request.params.name, request.params.arguments, { signal: extra.signal });
    }),
  );
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: catalog
      .listResourceEntries()
      .filter((entry) => reaches(entry.server))
      .map((entry) => entry.item),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: catalog
      .listResourceTemplateEntries()
      .filter((entry) => reaches(entry.server))
      .map((entry) => entry.item),
  }));
  server.setRequestHandler(
    ReadResourceRequestSchema,
    guard(async (request, extra) => {
      const owner = catalog.resolveResource(request.params.uri);
      if (owner !== undefined && !reaches(owner)) {
        throw new LocalmcpError(
          ErrorCodes.RESOURCE_NOT_FOUND,
          `Unknown resource "${request.params.uri}". Call resources/list for the available resources.`,
          { data: { uri: request.params.uri } },
        );
      }
      return router.readResource(request.params.uri, { signal: extra.signal });
    }),
  );

  const onChanged = (kinds: Set<'tools' | 'prompts' | 'resources'>) => {
    // Before initialization completes the client has not asked for anything yet; the SDK would reject.
    if (!server.getClientCapabilities()) return;
    // In discovery mode the listed tools (the meta-tools) never change; the index follows the catalog instead.
    if (kinds.has('tools') && mode !== 'discovery') void server.sendToolListChanged().catch(() => undefined);
    if (kinds.has('prompts')) void server.sendPromptListChanged().catch(() => undefined);
    if (kinds.has('resources')) void server.sendResourceListChanged().catch(() => undefined);
  };
  // A tool that turns degraded (or recovers) is listed differently: tell clients to list again.
  const onTransition = () => onChanged(new Set(['tools']));
  catalog.on('changed', onChanged);
  events.on('breaker:transition', onTransition);
  return {
    server,
    dispose: () => {
      catalog.off('changed', onChanged);
      events.off('breaker:transition', onTransition);
      discovery.predictive?.endSession(sessionId);
    },
  };
}
