import type { JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

import { isObject } from './json.js';

/** A request (`id` set) or a notification, with `params` an object when present. */
export type PlainMessage = (JSONRPCRequest | JSONRPCNotification) & { params?: Record<string, unknown> };

/**
 * `value` as a JSON-RPC request or notification in its plain form: no member but `jsonrpc: "2.0"`, a string or
 * integer `id` (absent for a notification), a string `method` and an object `params`. The SDK's strict request and
 * notification schemas accept every such message as far as these members go; what callers still check is `_meta`
 * and `task` inside `params`, which the schemas also constrain. Undefined for anything else.
 */
export function plainMessage(value: unknown): PlainMessage | undefined {
  if (!isObject(value)) return undefined;
  for (const key in value) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return undefined;
  }
  const { jsonrpc, id, method, params } = value;
  if (jsonrpc !== '2.0' || typeof method !== 'string') return undefined;
  if (id !== undefined && typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  if (params !== undefined && !isObject(params)) return undefined;
  return value as PlainMessage;
}
