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
 * Turns anything thrown while answering a downstream request into the JSON-RPC error the client receives:
 * local errors keep their message and get the code that fits; an upstream's McpError keeps its code. Never a
 * stack trace.
 */
export function toMcpError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (isLocalmcpError(error)) {
    const data = { code: error.code, ...error.data };
    switch (error.code) {
      case ErrorCodes.TOOL_NOT_FOUND:
      case ErrorCodes.PROMPT_NOT_FOUND:
        return new McpError(ErrorCode.InvalidParams, error.message, data);
      case ErrorCodes.RESOURCE_NOT_FOUND:
        return new McpError(RESOURCE_NOT_FOUND_CODE, error.message, data);
      case ErrorCodes.UPSTREAM_TIMEOUT:
        return new McpError(ErrorCode.RequestTimeout, error.message, data);
      default:
        return new McpError(ErrorCode.InternalError, error.message, data);
    }
  }
  return new McpError(ErrorCode.InternalError, bareMessage(error));
}
