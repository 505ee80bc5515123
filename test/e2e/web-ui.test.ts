import t from 'tap';
import type { Page } from 'playwright-core';
import { buildWebUi } from '../../web/build.ts';
import { launchBrowser, screenshotPath } from '../support/browser.ts';
import { eventually, startTestPlatform } from '../support/platform.ts';

// The web UI in a real browser against the embedded platform (its own data folder, a
// random port), on the replayed ETH/BTC market at 15 candles a second, so a bot trades within
// seconds without keeping a loaded machine busy.
// Generous for a loaded machine: 30 to 60 s on an idle one, 300 s at load 25 on two cores.
t.setTimeout(480_000);
await buildWebUi();
const platform = await startTestPlatform({ env: { REPLAY_SPEED: '900' } });
const browser = await launchBrowser();
t.teardown(async () => {
  await browser.close();
  await platform.stop();
});
const laptop = { width: 1366, height: 900 };
const alice = await browser.newPage({ viewport: laptop });
const pageErrors: string[] = [];
alice.on('pageerror', (error) => pageErrors.push(error.message));
const shoot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });
let botUrl = '';

t.test('a visitor registers and lands on an empty fleet that says what to do', async (t) => {
  await alice.goto(`${platform.baseUrl}/`);
  await alice.waitForURL(/\/login\?next=%2F$/);
  await shoot(alice, 'login');
  await alice.getByRole('link', { name: 'Create an account' }).click();
  await alice.getByLabel('Email').fill('alice@example.com');
  await alice.getByLabel('Password').fill('correct horse battery');
  await alice.getByRole('button', { name: 'Create account' }).click();
  await alice.getByText('No bots yet.').waitFor();
  t.equal(new URL(alice.url()).pathname, '/', 'on the fleet');
  t.ok(await alice.getByRole('link', { name: 'Create your first bot' }).isVisible(), 'the empty fleet offers to create a bot');
  await shoot(alice, 'fleet-empty');
});

t.test('the create-bot form is generated from the strategy schema and shows API errors next to the field', async (t) => {
  await alice.getByRole('button', { name: 'New bot' }).click();
  await alice.getByLabel('Name').fill('replay trader');
  await alice.getByLabel('Strategy', { exact: true }).selectOption('ema-cross');
  const fast = alice.locator('#field-strategy\\.params\\.fast');
  t.equal(await fast.inputValue(), '12', 'the default from the schema');
  t.equal(await fast.getAttribute('min'), '2', 'the bound from the schema');
  t.match(await alice.locator('[data-field="strategy.params.fast"] .hint').textContent(), /Default 12/, 'the description and default shown');
  await fast.fill('40');
  await alice.locator('#field-strategy\\.params\\.slow').fill('20');
  await alice.getByRole('button', { name: 'Create bot' }).click();
  const error = alice.locator('[data-field="strategy.params.slow"] .field-error');
  await error.waitFor();
  t.match(await error.textContent(), /slow/, 'the API refusal is shown at the slow field');
  await shoot(alice, 'create-bot-error');

  await fast.fill('5');
  await alice.locator('#field-strategy\\.params\\.slow').fill('13');
  // Settings beyond the basic four come from the API's own schema, and so do their errors.
  await alice.getByText('More risk settings').click();
  const stakePercent = alice.locator('#field-risk\\.stakePercent');
  await stakePercent.fill('500');
  t.ok(await alice.locator('#field-risk\\.sizingMode option[value="percent-risked"]').count(), 'sizing modes offered from the schema');
  t.ok(await alice.locator('[data-field="risk.protections.stopLossGuard"]').count(), 'protections offered from the schema');
  await alice.getByRole('button', { name: 'Create bot' }).click();
  const stakeError = alice.locator('[data-field="risk.stakePercent"] .field-error');
  await stakeError.waitFor();
  t.match(await stakeError.textContent(), /100|less than or equal/i, 'a nested field error is shown at its field');
  await stakePercent.fill('');
  await alice.getByLabel('Market data').selectOption('replay');
  await alice.getByLabel('Market', { exact: true }).fill('ETH/BTC');
  await alice.getByLabel('Starting balance').fill('1');
  await alice.getByLabel('Stake per entry').fill('0.5');
  await alice.getByLabel('Largest position').fill('1');
  await alice.getByLabel('Stop-loss %').fill('2');
  await alice.getByLabel('Take-profit %').fill('3');
  t.ok(await alice.getByLabel('Start it at once').isChecked(), 'a new bot starts at once unless unticked');
  await alice.getByRole('button', { name: 'Create bot' }).click();
  await alice.waitForURL(/\/bots\/[0-9a-f-]{36}$/);
  botUrl = alice.url();
  await alice.locator('h1 .badge', { hasText: 'running' }).waitFor();
  t.pass('created from the form and running');
});

t.test('decisions and a trade appear live on the bot page, with markers on the chart', async (t) => {
  const decisions = alice.locator('table[aria-label="Decision log"] tbody tr');
  await decisions.first().waitFor({ timeout: 30_000 });
  // The first candles may be gaps (no data, no indicators); the ones after show their values.
  const withValues = alice.locator('table[aria-label="Decision log"] tbody td[data-label="Indicators"]', { hasText: /fast.*slow/ });
  await withValues.first().waitFor({ timeout: 30_000 });
  t.match(await withValues.first().textContent(), /fast [\d.]+.*slow [\d.]+|warming up/, 'a decision shows the indicator values behind it');
  t.equal(await alice.locator('.live').textContent(), 'Live', 'following the platform event stream');
  const chart = alice.locator('figure[data-markers]').first();
  await alice.waitForFunction(() => Number(document.querySelector('figure[data-markers]')?.getAttribute('data-markers') ?? 0) >= 2, undefined, { timeout: 60_000 });
  t.ok(Number(await chart.getAttribute('data-candles')) > 10, 'candles drawn');
  t.equal(await chart.getAttribute('data-indicators'), 'fast slow', "the strategy's indicators drawn");
  await alice.getByRole('tab', { name: 'Trades' }).click();
  await alice.locator('table[aria-label="Trades"] tbody tr').first().waitFor();
  t.ok((await alice.locator('table[aria-label="Trades"] tbody tr').count()) >= 1, 'a trade is listed without reloading');
  await alice.getByRole('tab', { name: 'Decisions' }).click();
  await decisions.first().waitFor();
  await alice.screenshot({ path: screenshotPath('bot') });

  await alice.reload();
  await alice.locator('h1', { hasText: 'replay trader' }).waitFor();
  t.equal(alice.url(), botUrl, 'the session and the page survive a reload');
  // Seen trading: stopped from its page, so the platform is quiet for the screens that follow.
  await alice.getByRole('button', { name: 'Stop' }).click();
  await alice.locator('h1 .badge', { hasText: 'stopped' }).waitFor();
});

t.test('an expired access token is refreshed unseen; a dead session goes back to the login page', async (t) => {
  const stored = () => alice.evaluate(() => JSON.parse(localStorage.getItem('tradebot.session') ?? 'null') as { token: string; refreshToken?: string } | null);
  const before = await stored();
  t.type(before?.refreshToken, 'string', 'the login kept a refresh token');
  // What an expired token looks like to the API: a 401.
  await alice.evaluate(() => {
    const session = JSON.parse(localStorage.getItem('tradebot.session')!);
    localStorage.setItem('tradebot.session', JSON.stringify({ ...session, token: 'expired.token.value' }));
  });
  await alice.reload();
  await alice.locator('h1', { hasText: 'replay trader' }).waitFor();
  const after = await stored();
  t.not(after?.token, 'expired.token.value', 'a new access token');
  t.not(after?.refreshToken, before?.refreshToken, 'the refresh token rotated');

  const other = await browser.newPage({ viewport: laptop });
  await other.goto(`${platform.baseUrl}/`);
  await other.evaluate((session) => localStorage.setItem('tradebot.session', JSON.stringify({ ...session, token: 'expired.token.value', refreshToken: 'x'.repeat(43) })), after);
  await other.goto(botUrl);
  await other.getByText('Your session has expired; please log in again.').waitFor();
  t.match(other.url(), /\/login\?next=/, 'back to the login page, which returns to the bot after');
  await other.close();
});

t.test('the fleet lists the bot with its profit and last decision; bots stop from a bulk action', async (t) => {
  await alice.getByRole('link', { name: 'Fleet' }).click();
  const row = alice.locator('tr[data-bot-id]');
  await row.first().waitFor();
  t.equal(await row.count(), 1);
  t.equal(await row.getAttribute('data-status'), 'stopped');
  await alice.waitForFunction(() => document.querySelector('tr[data-bot-id] td[data-label="Last decision"] .signal') !== null);
  t.match(await row.locator('td[data-label="Market"]').textContent(), /ETH\/BTC/);
  await shoot(alice, 'fleet');
  await alice.getByLabel('Search bots').fill('no such bot');
  await alice.getByText('No bot matches these filters.').waitFor();
  await alice.getByLabel('Search bots').fill('replay');
  await alice.getByLabel('Filter by status').selectOption('stopped');
  t.equal(await row.count(), 1, 'search and state filters keep the matching bot');
  await alice.getByLabel('Filter by status').selectOption('');
  await alice.getByLabel('Select every bot shown').check();
  await alice.getByRole('button', { name: 'Start selected' }).click();
  await alice.locator('tr[data-bot-id][data-status="running"]').waitFor();
  t.match(await alice.locator('.state.info[role="status"]').textContent(), /Start: 1 of 1 bot done/);
  await alice.getByRole('button', { name: 'Stop selected' }).click();
  await alice.locator('tr[data-bot-id][data-status="stopped"]').waitFor();
  t.match(await alice.locator('.state.info[role="status"]').textContent(), /Stop: 1 of 1 bot done/);

  // A stopped bot can be reconfigured from its page.
  await row.getByRole('link', { name: 'replay trader' }).click();
  await alice.getByRole('button', { name: 'Edit configuration' }).click();
  t.equal(await alice.locator('#field-strategy\\.params\\.fast').inputValue(), '5', 'the form starts from the bot as it is');
  await alice.getByLabel('Name').fill('replay trader v2');
  await alice.locator('#field-strategy\\.params\\.fast').fill('6');
  await alice.getByLabel('Start it after saving').uncheck();
  await alice.getByRole('button', { name: 'Save configuration' }).click();
  await alice.locator('h1', { hasText: 'replay trader v2' }).waitFor();
  t.match(await alice.locator('section[data-bot-id] p.muted').first().textContent(), /fast 6, slow 13/, 'the new parameters are shown');
  await alice.getByRole('link', { name: 'Fleet' }).click();
  await row.first().waitFor();

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  // A platform without the event stream: the same screens refresh by polling.
  await phone.route('**/api/events**', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"NOT_FOUND","message":"not found"}}' }));
  await phone.goto(`${platform.baseUrl}/`);
  await phone.evaluate((stored) => localStorage.setItem('tradebot.session', stored), await alice.evaluate(() => localStorage.getItem('tradebot.session') ?? ''));
  await phone.reload();
  await phone.locator('tr[data-bot-id]').waitFor();
  await phone.locator('.live', { hasText: 'Live (polling)' }).waitFor();
  t.pass('without an event stream the UI falls back to polling');
  t.equal(await phone.locator('table.fleet thead').isVisible(), false, 'on a phone the table turns into cards');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 390, `nothing overflows the phone's width (${width}px)`);
  await shoot(phone, 'fleet-phone');
  await phone.goto(botUrl);
  await phone.locator('table[aria-label="Decision log"] tbody tr').first().waitFor();
  const botWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
  t.ok(botWidth <= 390, `the bot page fits the phone too (${botWidth}px)`);
  await phone.screenshot({ path: screenshotPath('bot-phone') });
  await phone.close();
});

t.test('a backtest runs from the form and shows its report and chart; a sweep is ranked and compared', async (t) => {
  await alice.getByRole('link', { name: 'Backtests' }).click();
  await alice.getByText('No backtests yet.').waitFor();
  await alice.getByLabel('Strategy', { exact: true }).selectOption('ema-cross');
  await alice.getByLabel('Source').selectOption('replay');
  await alice.getByLabel('Market', { exact: true }).fill('ETH/BTC');
  await alice.getByRole('button', { name: 'Run backtest' }).click();
  await alice.waitForURL(/\/backtests\/[0-9a-f-]{36}$/);
  await alice.locator('[aria-label="Report"]').waitFor({ timeout: 60_000 });
  await alice.waitForFunction(() => Number(document.querySelector('figure[data-markers]')?.getAttribute('data-markers') ?? 0) > 0, undefined, { timeout: 30_000 });
  t.match(await alice.locator('[aria-label="Report"]').textContent(), /Return.*Max drawdown.*Sharpe/);
  t.ok((await alice.locator('table[aria-label="Backtest trades"] tbody tr').count()) > 0, 'its trades are listed');
  await alice.screenshot({ path: screenshotPath('backtest-report') });

  await alice.getByRole('link', { name: 'All backtests' }).click();
  await alice.getByLabel('Strategy', { exact: true }).selectOption('ema-cross');
  await alice.getByLabel('Parameter sweep: try several values').check();
  await alice.getByLabel('fast: values to try').fill('8, 12');
  await alice.getByLabel('slow: values to try').fill('21, 26');
  await alice.getByRole('button', { name: 'Run sweep' }).click();
  await alice.getByText('Sweep: all 4 runs queued').waitFor({ timeout: 30_000 });
  await alice.getByLabel('Show one sweep').selectOption({ index: 1 });
  const runs = alice.locator('table[aria-label="Backtest runs"] tbody tr');
  await alice.waitForFunction(() => document.querySelectorAll('table[aria-label="Backtest runs"] tbody tr[data-status="completed"]').length === 4, undefined, { timeout: 60_000 });
  t.equal(await runs.count(), 4, 'the sweep shows its four runs');
  await alice.getByRole('button', { name: 'Return' }).click();
  await alice.getByRole('button', { name: 'Return' }).click();
  const returns = await alice.locator('table[aria-label="Backtest runs"] tbody td[data-label="Return"]').allTextContents();
  const values = returns.map((text) => Number.parseFloat(text));
  t.same(values, [...values].sort((a, b) => b - a), `sorted by return, best first: ${returns.join(' ')}`);
  await runs.nth(0).getByLabel('Compare this run').check();
  await runs.nth(1).getByLabel('Compare this run').check();
  await alice.getByText('Comparing 2 runs').waitFor();
  await shoot(alice, 'backtests');
});

t.test('the accounts screen renders, and sets the limits across all bots', async (t) => {
  await alice.getByRole('link', { name: 'Exchange accounts' }).click();
  await alice.locator('h1', { hasText: 'Exchange accounts' }).waitFor();
  await alice.locator('.state.empty, form[aria-label="Add an exchange account"]').first().waitFor();
  const limits = alice.locator('form[aria-label="Limits across your bots"]');
  await limits.locator('#field-dailyLossLimit').fill('0.25');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await alice.getByText('Limits saved.').waitFor();
  const token = await alice.evaluate(() => JSON.parse(localStorage.getItem('tradebot.session')!).token as string);
  const saved = await platform.api.as(token).get('/risk-limits');
  t.equal(saved.body.dailyLossLimit, '0.25', 'the limit reached the platform');
  await shoot(alice, 'accounts');
});

t.test("a second user never sees the first user's bots", async (t) => {
  const context = await browser.newContext({ viewport: laptop });
  const bob = await context.newPage();
  await bob.goto(`${platform.baseUrl}/register`);
  await bob.getByLabel('Email').fill('bob@example.com');
  await bob.getByLabel('Password').fill('another long password');
  await bob.getByRole('button', { name: 'Create account' }).click();
  await bob.getByText('No bots yet.').waitFor();
  t.equal(await bob.locator('tr[data-bot-id]').count(), 0, "Bob's fleet is empty");
  await bob.goto(botUrl);
  await bob.getByText('Not found.').waitFor();
  t.notOk(await bob.getByText('replay trader').count(), "Alice's bot is not shown to Bob");
  await bob.goto(`${botUrl}/edit`);
  await bob.getByText('Not found.').waitFor();
  t.pass("nor its configuration");
  await context.close();
});

t.test('logging out ends the session, also after a reload', async (t) => {
  const refreshToken = await alice.evaluate(() => JSON.parse(localStorage.getItem('tradebot.session')!).refreshToken as string);
  await alice.getByRole('button', { name: 'Log out' }).click();
  await alice.waitForURL(/\/login/);
  await alice.reload();
  await alice.getByRole('button', { name: 'Log in' }).waitFor();
  t.equal(await alice.evaluate(() => localStorage.getItem('tradebot.session')), null, 'nothing of the session is left in the browser');
  const refreshed = await eventually(async () => {
    const answer = await platform.api.post('/auth/refresh', { refreshToken });
    return answer.status === 401 ? answer : undefined;
  }, 5_000, 'the refresh token to be revoked');
  t.equal(refreshed.status, 401, 'the platform revoked the refresh token');
});

t.test('the pages threw no errors in the browser', async (t) => {
  t.same(pageErrors, []);
});
