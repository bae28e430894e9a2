#!/usr/bin/env node
// The stdio entry point: localmcp (or any MCP client) starts this process and speaks MCP over stdin/stdout.
// stdout carries only protocol messages, so log to stderr (console.error) if you must.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createServer } from './server.js';

await createServer().connect(new StdioServerTransport());
