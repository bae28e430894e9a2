/// <reference lib="dom" />
// The admin panel end to end: a real gateway with two echo upstreams, the built Svelte app at /admin, and Debian's
// Chromium clicking through it. Each step asserts what a person would see; every page is saved as a screenshot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import anyTest, { type TestFn } from 'ava';
import type { Page } from 'playwright-core';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { findAdminUiDir } from '../../server/http/admin-static.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import type { InProcessGateway } from '../helpers/gateway.js';
import { fakeProvider, startFakeOpenAIChat, type FakeOpenAIChat } from '../helpers/llm.js';
import { waitFor } from '../helpers/wait.js';
import { CHROMIUM, launchChromium, screenshotDir, startGatewayWithPlugins, type Browser } from './helpers.js';

const ADMIN_TOKEN = 'e2e-admin-token';

interface Context {
  gw: InProcessGateway;
  browser: Browser;
  page: Page;
  mcp: Client;
  llm: FakeOpenAIChat;
  shots: string;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  if (!findAdminUiDir()) throw new Error('the admin panel is not built: npm run build (vite build admin-ui)');
  // `alpha` restarts after a visible pause; `flaky` fails every echo call (and only those) to trip its breaker.
  const restart = { initialDelayMs: 1500, maxDelayMs: 1500 };
  // An OpenAI-compatible model on loopback, for the LLM page.
  const llm = await startFakeOpenAIChat();
  const gw = await startGatewayWithPlugins({
    gateway: { adminToken: ADMIN_TOKEN },
    llm: {
      providers: { openai: fakeProvider('openai', llm.baseURL) },
      models: { fast: { provider: 'openai', model: 'gpt-test', cost: { input: 0.5, output: 1.5 } } },
    },
    resilience: { options: { server: { failureThreshold: 3, openMs: 60_000 } }, fallbacks: { chain: [] } },
    mcpServers: {
      alpha: { ...stdioFixtureConfig({ FIXTURE_NAME: 'alpha', API_TOKEN: 'alpha-secret-value' }), restart },
      flaky: stdioFixtureConfig({ FIXTURE_NAME: 'flaky', FIXTURE_FAILURE_RATE: '1', FIXTURE_FAULT_TOOLS: 'echo' }),
    },
  });
  const mcp = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  const browser = await launchChromium();
  t.context = { gw, browser, page: browser.page, mcp, llm, shots: await screenshotDir() };
  t.log(`screenshots: ${t.context.shots}`);
});

test.after.always(async (t) => {
  await t.context.browser?.close();
  await t.context.mcp?.close();
  await t.context.gw?.close();
  await t.context.llm?.close();
});

async function shoot(t: { context: Context; log: (...values: unknown[]) => void }, name: string): Promise<void> {
  const file = join(t.context.shots, `${name}.png`);
  // From the top: a full-page shot of a scrolled page draws the sticky header halfway down.
  await t.context.page.evaluate(() => window.scrollTo(0, 0));
  await t.context.page.screenshot({ path: file, fullPage: true });
  t.log(file);
}

/** The state badge of `server` in the upstream table now shown. */
const upstreamState = (page: Page, server: string) =>
  page.locator(`tr[data-server="${server}"] td.state [data-state]`).getAttribute('data-state');

async function openPage(page: Page, id: string): Promise<void> {
  await page.locator(`nav a[data-page="${id}"]`).click();
  await page.locator('main h1').first().waitFor();
}

test.serial('log in with the admin token and see the upstreams', async (t) => {
  const { page, gw } = t.context;
  await page.goto(`${gw.url}/admin/`);
  await page.locator('#token').waitFor();
  await shoot(t, '00-login');

  await page.fill('#token', 'not-the-token');
  await page.click('button[type="submit"]');
  await page.getByRole('alert').filter({ hasText: 'invalid admin token' }).waitFor();

  await page.fill('#token', ADMIN_TOKEN);
  await page.click('button[type="submit"]');
  await page.locator('[data-testid="upstreams"]').waitFor();
  await page.locator('header [data-state="live"]').waitFor();
  await waitFor(async () => (await upstreamState(page, 'alpha')) === 'ready' && (await upstreamState(page, 'flaky')), {
    message: 'both upstreams listed',
  });
  t.is(await upstreamState(page, 'flaky'), 'ready');
  t.regex((await page.locator('[data-testid="ready-count"]').textContent()) ?? '', /2\/2/);
  await shoot(t, '01-overview');
});

test.serial('an upstream killed by pid changes state in the page without a reload', async (t) => {
  const { page, gw } = t.context;
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const readyz = (await (await fetch(`${gw.url}/readyz`)).json()) as {
    upstreams: Array<{ name: string; pid?: number }>;
  };
  const pid = readyz.upstreams.find((u) => u.name === 'alpha')?.pid;
  t.truthy(pid);
  process.kill(pid!, 'SIGKILL');

  await page.locator('tr[data-server="alpha"] [data-state="restarting"]').waitFor({ timeout: 15_000 });
  await shoot(t, '02-overview-restarting');
  await page.locator('tr[data-server="alpha"] [data-state="ready"]').waitFor({ timeout: 30_000 });
  const row = (await page.locator('tr[data-server="alpha"]').textContent()) ?? '';
  t.notRegex(row, new RegExp(`pid ${pid}\\b`), 'a new process');
  t.regex(row, /pid \d+/);
  t.true(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true));
});

test.serial('a tripped breaker shows OPEN and a click resets it', async (t) => {
  const { page, mcp } = t.context;
  await openPage(page, 'breakers');
  for (let i = 0; i < 3; i++) {
    await t.throwsAsync(mcp.callTool({ name: 'flaky__echo', arguments: { text: 'x' } }));
  }
  const row = page.locator('[data-testid="breakers"] tr[data-server="flaky"]');
  await row.locator('[data-state="OPEN"]').waitFor();
  await page.locator('[data-testid="timeline"] li').filter({ hasText: 'flaky' }).first().waitFor();
  await shoot(t, '03-breakers-open');

  await row.locator('button[data-action="reset"]').click();
  await row.locator('[data-state="CLOSED"]').waitFor();
  const timeline = (await page.locator('[data-testid="timeline"]').textContent()) ?? '';
  t.regex(timeline, /reset/, 'the reset is on the timeline');
  t.regex(timeline, /failure|threshold/i, 'and the trip before it');
  await shoot(t, '04-breakers-reset');
});

test.serial('the search playground ranks tools with scores and reasons', async (t) => {
  const { page } = t.context;
  await openPage(page, 'tools');
  await page.fill('input[name="query"]', 'add two numbers');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.locator('[data-testid="search-results"] tbody tr');
  const first = rows.first();
  await first.waitFor();
  // Both upstreams run the same fixture: their `add` tools tie at the top.
  t.deepEqual((await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-tool')))).slice(0, 2).sort(), [
    'alpha__add',
    'flaky__add',
  ]);
  t.regex((await first.locator('.score').textContent()) ?? '', /^\d\.\d{3}$/);
  t.regex((await first.locator('.reason').textContent()) ?? '', /matches/);
});

test.serial('a tool called through the form generated from its inputSchema', async (t) => {
  const { page } = t.context;
  await page.locator('[data-testid="search-results"] tr[data-tool="alpha__add"] a').click();
  const form = page.locator('[data-testid="call"] form');
  await form.locator('input[name="a"]').fill('2');
  await form.locator('input[name="b"]').fill('40');
  await form.getByRole('button', { name: 'Call tool' }).click();
  const result = page.locator('[data-testid="result"]');
  await result.waitFor();
  t.is(await result.getAttribute('data-outcome'), 'ok');
  t.is((await result.locator('pre').first().textContent())?.trim(), '42');

  // A wrong value is caught by the gateway's schema check, and said so.
  await form.locator('input[name="a"]').fill('');
  await form.getByRole('button', { name: 'Call tool' }).click();
  await page.getByRole('alert').filter({ hasText: 'a is required' }).waitFor();
  await form.locator('input[name="a"]').fill('1');
  await form.getByRole('button', { name: 'Call tool' }).click();
  await page.locator('[data-testid="result"] pre').filter({ hasText: /^41$/ }).waitFor();
  await shoot(t, '05-tools');
});

test.serial('the request log shows the calls live, and filters them', async (t) => {
  const { page, mcp } = t.context;
  await openPage(page, 'requests');
  await page.locator('[data-testid="requests"] tr[data-status="ok"]').first().waitFor();
  await mcp.callTool({ name: 'alpha__echo', arguments: { text: 'live' } });
  await page.locator('[data-testid="requests"] tr').filter({ hasText: 'alpha__echo' }).first().waitFor();
  await shoot(t, '06-requests');
  await page.selectOption('select[aria-label="status"]', 'error');
  const rows = page.locator('[data-testid="requests"] tbody tr');
  await waitFor(async () => (await rows.count()) > 0 && (await rows.evaluateAll((r) => r.length)) === 3, {
    message: 'the three failed flaky calls',
  });
  t.deepEqual(await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-status'))), [
    'error',
    'error',
    'error',
  ]);
  await page.selectOption('select[aria-label="status"]', '');
});

test.serial('servers: disable and enable with the buttons; stderr tail and tools', async (t) => {
  const { page, gw } = t.context;
  await openPage(page, 'servers');
  const row = page.locator('[data-testid="servers"] tr[data-server="flaky"]');
  await row.locator('button[data-action="disable"]').click();
  await row.locator('[data-state="disabled"]').waitFor();
  t.false(gw.gateway.catalog.listTools().some((tool) => tool.server === 'flaky'));
  await row.locator('button[data-action="enable"]').click();
  await row.locator('[data-state="ready"]').waitFor({ timeout: 30_000 });

  await page.locator('[data-testid="servers"] tr[data-server="alpha"] a').first().click();
  const detail = page.locator('[data-testid="server-detail"]');
  await detail.waitFor();
  t.regex((await detail.textContent()) ?? '', /alpha__echo/);
  await shoot(t, '07-servers');
});

test.serial('cache, LLM providers, plugins and config pages', async (t) => {
  const { page } = t.context;
  await openPage(page, 'cache');
  await page.locator('[data-testid="cache-layers"] tr[data-layer="l1"]').waitFor();
  await page.locator('button[data-action="clear"]').click();
  await page.getByRole('status').filter({ hasText: 'Cleared every server' }).waitFor();
  await shoot(t, '08-cache');

  // One chat through the LLM router: the provider's calls, tokens and cost show up.
  t.context.llm.script.push({ content: 'Hello.', usage: { prompt_tokens: 12, completion_tokens: 5 } });
  const chat = await t.context.gw.gateway.llm.chat({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] });
  t.is(chat.content, 'Hello.');
  await openPage(page, 'llm');
  const provider = page.locator('[data-testid="llm-providers"] tr[data-provider="openai"]');
  await provider.locator('[data-state="ready"]').waitFor();
  t.is((await provider.locator('.tokens').textContent())?.trim(), '17');
  await shoot(t, '09-llm');

  await openPage(page, 'plugins');
  await page.locator('[data-kind="breaker"]').filter({ hasText: 'breaker:elastic' }).waitFor();
  t.regex((await page.locator('[data-kind="provider"]').textContent()) ?? '', /provider:openai/);
  await shoot(t, '10-plugins');

  await openPage(page, 'config');
  const config = (await page.locator('[data-testid="config"]').textContent()) ?? '';
  t.false(config.includes(ADMIN_TOKEN), 'the admin token is masked');
  t.false(config.includes('alpha-secret-value'), 'env values are masked');
  t.regex(config, /\[redacted\]/);
  await shoot(t, '11-config');
});

test.serial('a reload of a deep link keeps the page; dark theme; a narrow window', async (t) => {
  const { page, gw } = t.context;
  await page.goto(`${gw.url}/admin/servers/alpha`);
  await page.locator('[data-testid="server-detail"]').waitFor();
  t.is(await page.locator('nav a[aria-current="page"]').getAttribute('data-page'), 'servers');

  await openPage(page, 'overview');
  const toggle = page.locator('header button[aria-label^="Theme"]');
  while ((await page.evaluate(() => document.documentElement.dataset.theme)) !== 'dark') await toggle.click();
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  t.is(background, 'rgb(15, 17, 21)', 'the dark palette');
  await page.locator('tr[data-server="alpha"] [data-state="ready"]').waitFor();
  await shoot(t, '12-overview-dark');

  await page.setViewportSize({ width: 420, height: 900 });
  await openPage(page, 'tools');
  await page.locator('[data-testid="tools"] tr[data-tool]').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.true(overflow <= 0, `the page fits a narrow window (${overflow}px too wide)`);
  await shoot(t, '13-tools-narrow-dark');
  while ((await page.evaluate(() => document.documentElement.dataset.theme)) !== undefined) await toggle.click();
  await page.setViewportSize({ width: 1366, height: 860 });
});
