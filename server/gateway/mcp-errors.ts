import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, errorMessage, isLocalmcpError } from '@localmcp/plugin-api';

/** MCP's code for an unknown resource (spec: server/resources, "Error Handling"). */
export const RESOURCE_NOT_FOUND_CODE = -32002;

const SDK_PREFIX = /^MCP error -?\d+: /;

/** An upstream's error message without the SDK's `MCP error <code>: ` prefix, so it is not repeated. */
export function bareMessage(error: unknown): string {
  return errorMessage(error).replace(SDK_PREFIX, '');
}

/**
 * An error as it goes on the wire: the SDK's server copies `code`, `message` and `data` of a thrown error into
 * the JSON-RPC response. Unlike McpError, whose message already carries `MCP error <code>: `, the message stays
 * bare, so the client (which adds that prefix itself) does not show it twice.
 */
export class WireError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/**
 * Turns anything thrown while answering a downstream request into the JSON-RPC error the client receives:
 * local errors keep their message and get the code that fits; an upstream's McpError keeps its code. Never a
 * stack trace.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof WireError) return error;
  if (error instanceof McpError) return new WireError(error.code, bareMessage(error), error.data);
  if (isLocalmcpError(error)) {
    const data = { code: error.code, ...error.data };
    switch (error.code) {
      case ErrorCodes.TOOL_NOT_FOUND:
      case ErrorCodes.INVALID_ARGUMENTS:
      case ErrorCodes.PROMPT_NOT_FOUND:
        return new WireError(ErrorCode.InvalidParams, error.message, data);
      case ErrorCodes.RESOURCE_NOT_FOUND:
        return new WireError(RESOURCE_NOT_FOUND_CODE, error.message, data);
      case ErrorCodes.UPSTREAM_TIMEOUT:
        return new WireError(ErrorCode.RequestTimeout, error.message, data);
      default:
        return new WireError(ErrorCode.InternalError, error.message, data);
    }
  }
  return new WireError(ErrorCode.InternalError, bareMessage(error));
}
