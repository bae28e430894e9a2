import { randomUUID } from 'node:crypto';
import { errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import type { ChatMessage, ToolCall, ToolDefinition, TokenUsage } from '@localmcp/plugin-api';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LlmConfig } from '../../config/llm-schema.js';
import type { DiscoveryService } from '../../discovery/service.js';
import { META_TOOLS } from '../../discovery/meta-tools.js';
import type { Scope } from '../../security/scopes.js';
import { fitToContext, shortenText, type ContextChange } from '../context/optimizer.js';
import type { TokenCounter } from '../context/tokens.js';
import type { LlmRouter, RoutedResponse } from '../router.js';
import { runPlan } from './executor.js';
import { planCalls, type Plan } from './planner.js';
import { resultValue } from './references.js';
import { AGENT_SYSTEM_PROMPT } from './system-prompt.js';

/** One thing the agent did, in order. Times are ms since the run started. */
export type AgentStep =
  | {
      type: 'model';
      turn: number;
      provider: string;
      model: string;
      atMs: number;
      ms: number;
      usage: TokenUsage;
      /** Prompt tokens as the optimizer counted them, the budget, and what it shortened or dropped. */
      context: { promptTokens: number; budget: number; counter: string; changes: ContextChange[] };
      text: string;
      toolCalls: ToolCall[];
    }
  | { type: 'plan'; turn: number; atMs: number; waves: string[][]; dependsOn: Record<string, string[]> }
  | { type: 'plan_error'; turn: number; atMs: number; error: string }
  | {
      type: 'tool';
      turn: number;
      id: string;
      name: string;
      /** For call_tool: the tool it ran. */
      target?: string;
      /** After references were replaced. */
      arguments?: Record<string, unknown>;
      startMs: number;
      ms: number;
      ok: boolean;
      /** What the model was given (possibly shortened). */
      result: string;
    }
  | { type: 'answer'; turn: number; atMs: number; text: string };

/** What `onEvent` receives: every step as it happens, and streamed text as it comes. */
export type AgentEvent = AgentStep | { type: 'text'; turn: number; text: string };

/** A finished run. */
export interface AgentRun {
  runId: string;
  task: string;
  answer: string;
  /** `answer`: the model answered; `max_steps`: it was stopped after `maxSteps` model turns. */
  stopped: 'answer' | 'max_steps';
  steps: AgentStep[];
  usage: TokenUsage;
  costUsd: number;
  ms: number;
}

export interface AgentDeps {
  router: LlmRouter;
  discovery: DiscoveryService;
  config: LlmConfig['agent'];
}

export interface AgentOptions {
  task: string;
  /** An alias or `<provider>/<model>`; unset, `llm.agent.model`, then `llm.default`. */
  model?: string;
  maxSteps?: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** What the agent's tool calls may reach (the caller's scope); unset, everything. */
  scope?: Scope;
  principal?: string;
  runId?: string;
}

/** The discovery meta-tools as the model sees them: the only tools it is given (MCP-Zero style). */
export const AGENT_TOOLS: ToolDefinition[] = META_TOOLS.map((tool) => ({
  name: tool.name,
  ...(tool.description === undefined ? {} : { description: tool.description }),
  inputSchema: tool.inputSchema as Record<string, unknown>,
}));

/**
 * The tool-using loop. The model is given the task and only the discovery meta-tools, and finds what it needs:
 * `search_tools`, then `call_tool`. Each answer's tool calls form a batch that is planned (references between calls
 * resolved into a dependency graph, checked before anything runs) and executed with independent calls in parallel.
 * Before each model turn the conversation is fitted into the model's context window. The run ends when the model
 * answers without calling a tool, or after `maxSteps` turns.
 */
export async function runAgent(deps: AgentDeps, options: AgentOptions): Promise<AgentRun> {
  const { router, discovery, config } = deps;
  const runId = options.runId ?? randomUUID();
  const started = performance.now();
  const at = () => Math.round(performance.now() - started);
  const steps: AgentStep[] = [];
  const emit = (event: AgentEvent) => {
    if (event.type !== 'text') steps.push(event);
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure is the listener's problem, never the run's.
    }
  };
  const model = options.model ?? config.model;
  const { targets } = router.targetsOf(model);
  const primary = targets.find((t) => t.tools) ?? targets[0]!;
  const counter = await router.counterFor(primary);
  // Sized for the smallest window of the alias, so a failover model gets a conversation it can take too.
  const contextWindow = Math.min(...targets.filter((t) => t.tools).map((t) => t.contextWindow), primary.contextWindow);
  const maxTokens = Math.min(...targets.map((t) => t.maxOutputTokens));
  const messages: ChatMessage[] = [
    { role: 'system', content: config.systemPrompt ?? AGENT_SYSTEM_PROMPT },
    { role: 'user', content: options.task },
  ];
  const values = new Map<string, unknown>();
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let costUsd = 0;
  const maxSteps = options.maxSteps ?? config.maxSteps;
  let lastText = '';

  for (let turn = 1; turn <= maxSteps; turn++) {
    options.signal?.throwIfAborted();
    const fitted = fitToContext({
      messages,
      tools: AGENT_TOOLS,
      counter,
      contextWindow,
      reserveTokens: maxTokens,
      keepRecentTurns: config.keepRecentTurns,
    });
    const atMs = at();
    const response = await complete(router, config.stream, {
      request: { model, messages: fitted.messages, tools: AGENT_TOOLS, maxTokens },
      signal: options.signal,
      onText: (text) => emit({ type: 'text', turn, text }),
    });
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    costUsd += response.costUsd;
    lastText = response.content || lastText;
    emit({
      type: 'model',
      turn,
      provider: response.provider,
      model: response.model,
      atMs,
      ms: at() - atMs,
      usage: response.usage,
      context: {
        promptTokens: fitted.promptTokens,
        budget: fitted.budget,
        counter: counter.name,
        changes: fitted.changes,
      },
      text: response.content,
      toolCalls: response.toolCalls,
    });
    messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
    if (response.toolCalls.length === 0) {
      emit({ type: 'answer', turn, atMs: at(), text: response.content });
      return {
        runId,
        task: options.task,
        answer: response.content,
        stopped: 'answer',
        steps,
        usage,
        costUsd,
        ms: at(),
      };
    }
    const results = await runBatch({
      turn,
      calls: response.toolCalls,
      values,
      at,
      emit,
      discovery,
      options,
      config,
      counter,
      runId,
    });
    messages.push(...results);
  }
  const answer = lastText || `Stopped after ${maxSteps} model turns without a final answer.`;
  emit({ type: 'answer', turn: maxSteps, atMs: at(), text: answer });
  return { runId, task: options.task, answer, stopped: 'max_steps', steps, usage, costUsd, ms: at() };
}

/** One model turn, streamed when asked (text goes to `onText` as it comes). */
async function complete(
  router: LlmRouter,
  stream: boolean,
  input: {
    request: Parameters<LlmRouter['chat']>[0];
    signal: AbortSignal | undefined;
    onText: (text: string) => void;
  },
): Promise<RoutedResponse> {
  if (!stream) return router.chat(input.request, { signal: input.signal });
  for await (const chunk of router.stream(input.request, { signal: input.signal })) {
    if (chunk.type === 'text') input.onText(chunk.text);
    else if (chunk.type === 'done') return chunk.response;
  }
  throw new Error('the model stream ended without an answer');
}

/** Plans and runs one batch of tool calls; returns the tool messages for the conversation, in call order. */
async function runBatch(input: {
  turn: number;
  calls: ToolCall[];
  values: Map<string, unknown>;
  at: () => number;
  emit: (event: AgentEvent) => void;
  discovery: DiscoveryService;
  options: AgentOptions;
  config: LlmConfig['agent'];
  counter: TokenCounter;
  runId: string;
}): Promise<ChatMessage[]> {
  const { turn, calls, values, at, emit, discovery, options, config, counter, runId } = input;
  let plan: Plan;
  try {
    plan = planCalls(calls, new Set(values.keys()));
  } catch (error) {
    // Nothing ran: each call gets the reason, so the model can fix the batch and send it again.
    const message = errorMessage(error);
    emit({ type: 'plan_error', turn, atMs: at(), error: message });
    return calls.map((call) => ({ role: 'tool', toolCallId: call.id, content: `Error: ${message}` }));
  }
  const batchStart = at();
  emit({
    type: 'plan',
    turn,
    atMs: batchStart,
    waves: plan.waves,
    dependsOn: Object.fromEntries(plan.calls.map((call) => [call.id, call.dependsOn])),
  });
  const limit = (text: string) => shortenText(text, config.maxToolResultTokens, counter);
  const outcomes = await runPlan<CallToolResult>(
    plan,
    (call, args) =>
      discovery.callTool(call.name, args, 'discovery', {
        signal: options.signal,
        scope: options.scope,
        principal: options.principal ?? 'agent',
        // The run is one session for predictive pre-loading: its calls in order are what it learns from.
        session: runId,
      }),
    values,
    (result) => ({ value: resultValue(result), failed: result.isError === true }),
  );
  return outcomes.map((outcome) => {
    const call = plan.calls.find((c) => c.id === outcome.id)!;
    const ok = outcome.error === undefined && outcome.result?.isError !== true;
    const text = outcome.error
      ? `Error: ${isLocalmcpError(outcome.error) ? outcome.error.message : errorMessage(outcome.error)}`
      : resultText(outcome.result!);
    const content = limit(text);
    const target =
      call.name === 'call_tool' && typeof call.arguments.name === 'string' ? call.arguments.name : undefined;
    emit({
      type: 'tool',
      turn,
      id: call.id,
      name: call.name,
      ...(target === undefined ? {} : { target }),
      ...(outcome.arguments === undefined ? {} : { arguments: outcome.arguments }),
      startMs: batchStart + outcome.startMs,
      ms: outcome.endMs - outcome.startMs,
      ok,
      result: content,
    });
    return { role: 'tool', toolCallId: call.id, content };
  });
}

/** A tool result as text for the model: its text parts, or its structured content; errors marked as such. */
function resultText(result: CallToolResult): string {
  const texts = result.content.flatMap((c) => (c.type === 'text' ? [c.text] : [`[${c.type} content]`]));
  let text = texts.join('\n');
  if (text === '' && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  return result.isError ? `Error: ${text}` : text;
}
