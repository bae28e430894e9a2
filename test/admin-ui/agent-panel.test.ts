/// <reference lib="dom" />
// The panel's Agent page end to end: a real gateway (echo fixture upstream), the real openai SDK against a loopback
// OpenAI server with scripted turns, and Chromium typing a task and pressing Run. The steps must be on screen while
// the model is still writing its answer (streamed over the admin socket, not shown at the end); Cancel must stop a
// run and show it cancelled; a gateway without models must say how to configure one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import anyTest, { type TestFn } from 'ava';
import type { Page } from 'playwright-core';
import { findAdminUiDir } from '../../server/http/admin-static.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import type { InProcessGateway } from '../helpers/gateway.js';
import { fakeProvider, startFakeOpenAIChat, type FakeOpenAIChat } from '../helpers/llm.js';
import { waitFor } from '../helpers/wait.js';
import { CHROMIUM, launchChromium, screenshotDir, startGatewayWithPlugins, type Browser } from './helpers.js';

const ADMIN_TOKEN = 'agent-panel-admin-token';

interface Context {
  gw: InProcessGateway;
  model: FakeOpenAIChat;
  browser: Browser;
  page: Page;
  shots: string;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  if (!findAdminUiDir()) throw new Error('the admin panel is not built: npm run build (vite build admin-ui)');
  const model = await startFakeOpenAIChat();
  const gw = await startGatewayWithPlugins({
    gateway: { adminToken: ADMIN_TOKEN },
    mcpServers: { echo: stdioFixtureConfig() },
    llm: {
      providers: { scripted: fakeProvider('openai', model.baseURL) },
      models: { fast: { provider: 'scripted', model: 'scripted-model', cost: { input: 0.5, output: 1.5 } } },
      agent: { stream: true },
    },
  });
  const browser = await launchChromium();
  t.context = { gw, model, browser, page: browser.page, shots: await screenshotDir() };
});

test.after.always(async (t) => {
  await t.context.browser?.close();
  await t.context.gw?.close();
  await t.context.model?.close();
});

async function shoot(t: { context: Context; log: (...values: unknown[]) => void }, name: string, page?: Page) {
  const target = page ?? t.context.page;
  const file = join(t.context.shots, `${name}.png`);
  await target.evaluate(() => window.scrollTo(0, 0));
  await target.screenshot({ path: file, fullPage: true });
  t.log(file);
}

const current = (page: Page) => page.locator('[data-testid="agent-run"]').first();

test.serial('a run streams its steps onto the page before the answer, then the answer and usage', async (t) => {
  const { page, gw, model } = t.context;
  await page.goto(`${gw.url}/admin/`);
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('button[type="submit"]');
  await page.locator('header [data-state="live"]').waitFor();
  await page.locator('nav a[data-page="agent"]').click();
  await page.getByRole('heading', { name: 'Agent', level: 1 }).waitFor();
  // The model select lists the configured aliases.
  await page.locator('select[name="model"] option[value="fast"]').waitFor({ state: 'attached' });

  let releaseAnswer!: () => void;
  const answerHeld = new Promise<void>((resolve) => (releaseAnswer = resolve));
  t.teardown(() => releaseAnswer()); // a failed wait above must not leave the model's response open
  model.script.push(
    {
      content: 'Let me find an echo tool.',
      toolCalls: [{ id: 'c1', name: 'search_tools', arguments: { query: 'echo a message back' } }],
    },
    { toolCalls: [{ id: 'c2', name: 'call_tool', arguments: { name: 'echo__echo', arguments: { text: 'hello' } } }] },
    // Held until the test has seen the streamed steps: on screen before the answer exists, however slow the machine.
    { content: 'The echo tool said: hello.', until: answerHeld },
  );
  await page.getByLabel('Task', { exact: true }).fill('Echo "hello" with whatever tool does that.');
  await page.getByLabel('Model', { exact: true }).selectOption('fast');
  await page.getByRole('button', { name: 'Run' }).click();

  // The call step is on screen while the run is still going and before any answer: it was streamed.
  const call = current(page).locator('[data-step="tool"][data-kind="call"]');
  await call.waitFor({ timeout: 15_000 });
  t.is(await current(page).getAttribute('data-status'), 'running');
  t.is(await page.locator('[data-testid="agent-answer"]').count(), 0, 'no answer yet');
  t.true(await page.getByRole('button', { name: 'Cancel' }).isEnabled());
  t.regex((await call.textContent()) ?? '', /echo__echo[\s\S]*ok[\s\S]*"text":"hello"/);
  const search = current(page).locator('[data-step="tool"][data-kind="search"]');
  t.regex((await search.textContent()) ?? '', /“echo a message back”/);
  await shoot(t, 'agent-01-streaming');
  releaseAnswer();

  const answer = page.locator('[data-testid="agent-answer"]');
  await answer.waitFor({ timeout: 15_000 });
  t.regex((await answer.textContent()) ?? '', /The echo tool said: hello\./);
  t.is(await current(page).getAttribute('data-status'), 'done');
  t.deepEqual(
    await current(page)
      .locator('[data-testid="agent-steps"] > li')
      .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.step)),
    ['model', 'plan', 'tool', 'model', 'plan', 'tool', 'model', 'answer'],
  );
  const usage = (await page.locator('[data-testid="agent-usage"]').textContent()) ?? '';
  t.regex(usage, /Tokens in\s*[1-9][\d,]*/);
  t.regex(usage, /Model turns\s*3/);
  t.regex((await page.getByRole('status').textContent()) ?? '', /Answered · 8 steps/);

  // The search's result (a ranked list as JSON) is long: folded behind its first line, opened by a click.
  const folded = search.locator('details');
  t.false(await folded.evaluate((d) => (d as HTMLDetailsElement).open));
  await folded.locator('summary').click();
  t.regex((await folded.locator('pre').textContent()) ?? '', /echo__echo/);
  await shoot(t, 'agent-02-answered');
});

test.serial('Cancel stops a run and shows it cancelled; the earlier run stays below', async (t) => {
  const { page, model } = t.context;
  const asked = model.requests.length;
  model.script.push({ hang: true }, { content: 'never asked for' });
  await page.getByLabel('Task', { exact: true }).fill('Think about it for a very long time.');
  await page.getByRole('button', { name: 'Run' }).click();
  await waitFor(() => model.requests.length === asked + 1, { message: 'the model was asked' });
  await page.locator('[data-testid="agent-run"][data-status="running"]').waitFor();
  t.false(await page.getByRole('button', { name: 'Run' }).isEnabled(), 'one run at a time');

  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('[data-testid="agent-run"][data-status="cancelled"]').first().waitFor();
  t.regex((await current(page).locator('[data-testid="agent-failure"]').textContent()) ?? '', /Cancelled\./);
  t.regex((await current(page).getByRole('status').textContent()) ?? '', /Cancelled after/);
  t.false(await page.getByRole('button', { name: 'Cancel' }).isEnabled());
  t.true(await page.getByRole('button', { name: 'Run' }).isEnabled());
  t.is(model.requests.length, asked + 1, 'no further model turn');
  const past = page.locator('[data-testid="agent-past-run"]');
  t.is(await past.count(), 1);
  t.regex((await past.locator(':scope > summary').textContent()) ?? '', /done[\s\S]*Echo "hello"/);
  await shoot(t, 'agent-03-cancelled');

  // Dark and narrow: the run fits the window.
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await page.setViewportSize({ width: 420, height: 900 });
  await past.locator(':scope > summary').click();
  await shoot(t, 'agent-04-narrow-dark');
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll('main *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
      .slice(0, 8),
  );
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.true(overflow <= 0, `the page fits a narrow window (${overflow}px too wide: ${wide.join(', ')})`);
  await page.setViewportSize({ width: 1366, height: 860 });
});

test.serial('a gateway without models: the page and a refused run say how to configure one', async (t) => {
  // No admin token: the panel answers this machine without a sign-in.
  const bare = await startGatewayWithPlugins({ mcpServers: {} });
  t.teardown(() => bare.close());
  const page = await t.context.browser.context.newPage();
  t.teardown(() => page.close());
  await page.goto(`${bare.url}/admin/agent`);
  await page.locator('[data-testid="agent-not-configured"]').waitFor();
  await page.locator('header [data-state="live"]').waitFor();
  await page.getByLabel('Task', { exact: true }).fill('Anything.');
  await page.getByRole('button', { name: 'Run' }).click();
  const failure = page.locator('[data-testid="agent-failure"]');
  await failure.waitFor();
  const text = (await failure.textContent()) ?? '';
  t.regex(text, /failed \(409\)[\s\S]*no model is configured/);
  t.regex(text, /Add an llm section[\s\S]*restart the gateway/);
  t.is(await page.locator('[data-testid="agent-run"]').getAttribute('data-status'), 'failed');
  await shoot(t, 'agent-05-no-model', page);
});
