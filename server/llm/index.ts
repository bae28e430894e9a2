export { LlmService, type LlmServiceOptions, type LlmView } from './service.js';
export { LlmRouter, type LlmRequest, type RoutedResponse, type RoutedChunk, type RouteAttempt } from './router.js';
export { ProviderRegistry, type ProviderFactory, type ProviderStatus } from './provider-registry.js';
export { providerBreakerHost, createProviderBreaker } from './breaker.js';
export {
  runAgent,
  AGENT_TOOLS,
  type AgentRun,
  type AgentStep,
  type AgentEvent,
  type AgentOptions,
} from './agent/agent.js';
export { planCalls, type Plan, type PlannedCall } from './agent/planner.js';
export { runPlan, type CallOutcome } from './agent/executor.js';
export { findReferences, parseReference, resolveReferences, resultValue, type Reference } from './agent/references.js';
export { fitToContext, shortenText, type FitResult, type ContextChange } from './context/optimizer.js';
export {
  estimateCounter,
  loadTokenizerCounter,
  promptTokens,
  messageTokens,
  toolTokens,
  type TokenCounter,
} from './context/tokens.js';
export { createSamplingHandler, samplingAllowed, type SamplingHandler } from './sampling.js';
