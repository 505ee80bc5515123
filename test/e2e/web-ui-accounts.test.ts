import t from 'tap';
import { buildWebUi } from '../../web/build.ts';
import { startBinanceStub } from '../support/binance-stub/binance-stub.ts';
import { launchBrowser, screenshotPath } from '../support/browser.ts';
import { startTestPlatform } from '../support/platform.ts';

// Exchange accounts in the browser, against the embedded platform whose binance exchange
// is the Binance stub: add one from the form, see it listed masked and never its secret,
// trade a bot on it, remove it.
const API_KEY = 'web-ui-api-key-5b21e0';
const SECRET = 'web-ui-secret-9a0e6f1c2d3b4a5968778695a4b3c2d1';

// Real-time, like the other browser test: generous for a loaded machine.
t.setTimeout(480_000);
await buildWebUi();
const stub = await startBinanceStub({ markets: { ETHBTC: { base: 'ETH', quote: 'BTC', price: '0.05' } } });
stub.addAccount(API_KEY, SECRET, { BTC: '1000', ETH: '0' });
const platform = await startTestPlatform({ env: { REPLAY_SPEED: '900', EXCHANGE_URLS: `binance=${stub.url}` } });
const browser = await launchBrowser();
t.teardown(async () => {
  await browser.close();
  await platform.stop();
  await stub.close();
});
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
const seen: string[] = [];
page.on('response', async (response) => {
  if (response.url().includes('/api/')) seen.push(await response.text().catch(() => ''));
});

t.test('an account is added from the form, listed masked, and its secret never comes back', async (t) => {
  await page.goto(`${platform.baseUrl}/register`);
  await page.getByLabel('Email').fill('carol@example.com');
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('No bots yet.').waitFor();
  await page.getByRole('link', { name: 'Exchange accounts' }).click();
  const form = page.locator('form[aria-label="Add an exchange account"]');
  await form.locator('#field-exchange').fill('binance');
  await form.locator('#field-apiKey').fill(API_KEY);
  await form.locator('#field-secret').fill('not the secret');
  t.equal(await form.locator('#field-secret').getAttribute('type'), 'password', 'the secret is typed blind');
  await form.getByRole('button', { name: 'Add account' }).click();
  await form.locator('[data-field="apiKey"] .field-error').waitFor();
  t.pass('refused keys are reported at the field');
  await form.locator('#field-secret').fill(SECRET);
  await form.locator('#field-label').fill('stub account');
  await form.getByRole('button', { name: 'Add account' }).click();
  await page.getByText('Account added.').waitFor();
  t.equal(await form.locator('#field-secret').inputValue(), '', 'the form forgets the secret once sent');
  const row = page.locator('tr[data-account-id]');
  await row.waitFor();
  t.match(await row.textContent(), /stub account/);
  t.notMatch(await row.textContent(), new RegExp(API_KEY), 'the key is shown masked');
  t.notOk((await page.content()).includes(SECRET), 'the secret is nowhere on the page');
  await page.screenshot({ path: screenshotPath('accounts-with-account') });
});

t.test('a bot is created on the account from the form and trades on the exchange', async (t) => {
  await page.getByRole('link', { name: 'Fleet' }).click();
  await page.getByRole('button', { name: 'New bot' }).click();
  await page.getByLabel('Name').fill('live on stub');
  await page.getByLabel('Account').selectOption({ label: 'stub account (binance)' });
  await page.getByLabel('Market data').selectOption('replay');
  await page.getByLabel('Market', { exact: true }).fill('ETH/BTC');
  await page.locator('#field-strategy\\.params\\.fast').fill('5');
  await page.locator('#field-strategy\\.params\\.slow').fill('13');
  await page.getByLabel('Starting balance').fill('10');
  await page.getByLabel('Stake per entry').fill('1');
  await page.getByRole('button', { name: 'Create bot' }).click();
  await page.waitForURL(/\/bots\/[0-9a-f-]{36}$/);
  t.match(await page.locator('section[data-bot-id] p.muted').first().textContent(), /exchange account/);
  await page.getByRole('tab', { name: 'Trades' }).click();
  await page.locator('table[aria-label="Trades"] tbody tr').first().waitFor({ timeout: 60_000 });
  t.ok(stub.orders.length >= 1, 'the order reached the exchange');
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('h1 .badge', { hasText: 'stopped' }).waitFor();
});

t.test('an account in use cannot be removed; once its bot is deleted it can', async (t) => {
  page.on('dialog', (dialog) => void dialog.accept());
  const botUrl = page.url();
  await page.getByRole('link', { name: 'Exchange accounts' }).click();
  const row = page.locator('tr[data-account-id]');
  await row.getByRole('button', { name: /^Remove/ }).click();
  await page.locator('.state.error').waitFor();
  t.equal(await row.count(), 1, 'refused while a bot uses it, with the reason shown');
  await page.goto(botUrl);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.waitForURL(`${platform.baseUrl}/`);
  await page.getByRole('link', { name: 'Exchange accounts' }).click();
  await row.getByRole('button', { name: /^Remove/ }).click();
  await page.getByText('No exchange accounts yet.').waitFor();
  t.equal(await row.count(), 0, 'removed');
});

t.test('no response the browser received carried the secret', async (t) => {
  t.ok(seen.length > 10);
  t.notOk(seen.some((body) => body.includes(SECRET)));
});
