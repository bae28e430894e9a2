// The files other MCP clients write must load unchanged: `localmcp serve --config ~/.cursor/mcp.json`.
import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../../server/config/load.js';
import { tempDir } from './temp-dir.js';

test('a Claude Desktop config loads verbatim; its extra top-level keys become warnings', async (t) => {
  const claudeDesktop = `{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop", "/Users/me/Downloads"]
    }
  },
  "preferences": { "menuBarEnabled": false, "quickEntryShortcut": "off" },
  "globalShortcut": ""
}
`;
  const dir = await tempDir(t, { 'claude_desktop_config.json': claudeDesktop });
  const file = path.join(dir, 'claude_desktop_config.json');
  const loaded = await loadConfig({ path: file, env: {} });

  t.is(loaded.file, file);
  t.deepEqual(loaded.warnings, ['unknown key "preferences" ignored', 'unknown key "globalShortcut" ignored']);
  t.false('preferences' in loaded.config);
  t.is(loaded.upstreams.length, 1);
  const [fs] = loaded.upstreams;
  t.like(fs, { name: 'filesystem', transport: 'stdio', command: 'npx', namespace: 'filesystem', enabled: true });
  t.deepEqual(fs?.args, ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop', '/Users/me/Downloads']);
});

test('a Cursor mcp.json with url, headers and ${env:X} loads', async (t) => {
  const cursor = `{
  "mcpServers": {
    "remote": {
      "url": "https://mcp.example.com/mcp",
      "headers": { "Authorization": "Bearer \${env:EXAMPLE_TOKEN}" }
    },
    "local": { "command": "node", "args": ["server.js"], "env": { "API_KEY": "\${env:API_KEY}" } }
  }
}`;
  const dir = await tempDir(t, { '.cursor/mcp.json': cursor });
  const loaded = await loadConfig({ path: '.cursor/mcp.json', cwd: dir, env: { EXAMPLE_TOKEN: 'tok', API_KEY: 'k1' } });

  t.is(loaded.file, path.join(dir, '.cursor', 'mcp.json'));
  const [remote, local] = loaded.upstreams;
  t.like(remote, { name: 'remote', transport: 'http', url: 'https://mcp.example.com/mcp' });
  t.deepEqual(remote?.headers, { Authorization: 'Bearer tok' });
  t.deepEqual(local?.env, { API_KEY: 'k1' });
  t.deepEqual(loaded.warnings, []);
});

test('a VS Code .vscode/mcp.json with servers, inputs, type http, envFile and comments loads', async (t) => {
  const vscode = `{
  // VS Code writes JSONC
  "inputs": [{ "type": "promptString", "id": "api-key", "description": "API key", "password": true }],
  "servers": {
    "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp/" },
    "local": {
      "type": "stdio",
      "command": "node",
      "args": ["\${workspaceFolder}/server.js"],
      "envFile": "\${workspaceFolder}/.env.mcp",
      "env": { "SHARED": "explicit" },
      "dev": { "watch": "src/**/*.ts" },
    },
  },
}`;
  const dir = await tempDir(t, {
    'proj/.vscode/mcp.json': vscode,
    'proj/.env.mcp': 'SHARED=from-file\nONLY_IN_FILE=yes\n',
  });
  const project = path.join(dir, 'proj');
  const loaded = await loadConfig({ path: path.join(project, '.vscode', 'mcp.json'), env: {} });

  t.deepEqual(loaded.warnings, ['unknown key "inputs" ignored', 'unknown key "servers.local.dev" ignored']);
  t.deepEqual(Object.keys(loaded.config.mcpServers), ['github', 'local']);
  const [github, local] = loaded.upstreams;
  t.like(github, { transport: 'http', url: 'https://api.githubcopilot.com/mcp/' });
  t.deepEqual(local?.args, [path.join(project, 'server.js')]);
  // explicit env wins over envFile
  t.deepEqual(local?.env, { SHARED: 'explicit', ONLY_IN_FILE: 'yes' });
});

test('Cline/Roo keys: disabled is honoured, timeout (seconds) becomes requestMs, the rest are warnings', async (t) => {
  const cline = JSON.stringify({
    mcpServers: {
      weather: {
        command: 'node',
        args: ['weather.js'],
        disabled: true,
        timeout: 90,
        autoApprove: ['get_forecast'],
        alwaysAllow: [],
      },
      explicit: { command: 'node', timeout: 90, timeouts: { requestMs: 5000 } },
    },
  });
  const dir = await tempDir(t, { 'cline_mcp_settings.json': cline });
  const loaded = await loadConfig({ path: 'cline_mcp_settings.json', cwd: dir, env: {} });

  const [weather, explicit] = loaded.upstreams;
  t.false(weather?.enabled);
  t.deepEqual(weather?.timeouts, { connectMs: 30_000, requestMs: 90_000 });
  t.is(explicit?.timeouts.requestMs, 5000);
  t.deepEqual(loaded.warnings, [
    'unknown key "mcpServers.weather.autoApprove" ignored',
    'unknown key "mcpServers.weather.alwaysAllow" ignored',
  ]);
});

test('a Claude Code .mcp.json with type stdio and ${VAR:-default} loads', async (t) => {
  const claudeCode = JSON.stringify({
    mcpServers: {
      db: { type: 'stdio', command: 'db-mcp', args: ['--url', '${DB_URL:-postgres://localhost/dev}'], env: {} },
    },
  });
  const dir = await tempDir(t, { '.mcp.json': claudeCode });
  const loaded = await loadConfig({ path: '.mcp.json', cwd: dir, env: {} });
  t.deepEqual(loaded.upstreams[0]?.args, ['--url', 'postgres://localhost/dev']);
});
