export { ClassicBreaker, type CircuitSnapshot, type Permit } from './classic-breaker.js';
export { ClassicBreakerPolicy, type ClassicPolicySnapshot, type PolicyDeps } from './classic-policy.js';
export {
  countResultsAsSuccess,
  countToolErrorsAsFailures,
  defaultClassify,
  type ErrorClassifier,
  type Outcome,
  type ResultClassifier,
} from './classify.js';
export { systemClock, type Clock, type ClockTimer } from './clock.js';
export { ElasticBreaker, type ElasticDeps, type ElasticSnapshot } from './elastic-breaker.js';
export { CIRCUIT_OPEN, circuitOpenError, isCircuitOpenError, type CircuitOpenData } from './errors.js';
export type { BreakerState, TransitionEvent, TransitionListener, TransitionReason } from './events.js';
export {
  CircuitOptionsSchema,
  ElasticOptionsSchema,
  type CircuitOptions,
  type CircuitOptionsInput,
  type ElasticOptions,
  type ElasticOptionsInput,
} from './options.js';
export type { ServerProbe, ServerSnapshot } from './server-circuit.js';
