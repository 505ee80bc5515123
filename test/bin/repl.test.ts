import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { REPL_COMMANDS } from '../../bin/repl-commands.ts';
import { botCommand, listBotsCommand, showBotCommand } from '../../services/bots/repl-commands.ts';
import { busLagCommand, deadLettersCommand } from '../../services/bus/repl-commands.ts';
import { killSwitchCommand } from '../../services/risk/repl-commands.ts';
import { REPLAY_BOT } from '../e2e/trading-session.ts';
import { eventually, startTestPlatform } from '../support/platform.ts';

const unique = `repl${randomBytes(4).toString('hex')}`;
const env = { REPLAY_SPEED: '600', NATS_URL: 'nats://127.0.0.1:4222', NAMESPACE: unique, BUS_PREFIX: unique };
const platform = await startTestPlatform({ env, nodeID: `${unique}-platform` });
t.teardown(() => platform.stop());
const alice = await platform.api.signUp('alice@example.com');
const bob = await platform.api.signUp('bob@example.com');
const aliceBot = (await alice.post('/bots', REPLAY_BOT)).body;
await alice.post(`/bots/${aliceBot.id}/start`);
const bobBot = (await bob.post('/bots', { ...REPLAY_BOT, name: 'bob idle bot' })).body;
await eventually(async () => ((await alice.get(`/bots/${aliceBot.id}/decisions?limit=3`)).body.items.length >= 3 ? true : undefined), 30_000, 'three decisions');

function capture() {
  const lines: string[] = [];
  return { lines, print: (line: string) => lines.push(line), text: () => lines.join('\n') };
}

t.test('every custom command has a description for help', async (t) => {
  const names = REPL_COMMANDS.map((command) => command.command.split(' ')[0]);
  t.same(names.sort(), ['bot', 'bots', 'buslag', 'deadletters', 'killswitch', 'pause', 'resume']);
  for (const command of REPL_COMMANDS) t.ok(command.description.length > 20, `${command.command} is described`);
});

t.test('bots lists every user\'s bots, filtered by owner and state; bot shows one with its last decisions', async (t) => {
  const all = capture();
  await listBotsCommand(platform.mesh.broker, { options: {} }, all.print);
  t.match(all.text(), aliceBot.id);
  t.match(all.text(), bobBot.id);
  const running = capture();
  await listBotsCommand(platform.mesh.broker, { options: { status: 'running' } }, running.print);
  t.match(running.text(), aliceBot.id);
  t.notMatch(running.text(), bobBot.id, 'the state filter leaves out the created bot');
  const bobs = capture();
  await listBotsCommand(platform.mesh.broker, { options: { user: 'bob@example.com' } }, bobs.print);
  t.same([bobs.lines.length, bobs.text().includes(bobBot.id), bobs.text().includes('bob@example.com')], [1, true, true]);
  const shown = capture();
  await showBotCommand(platform.mesh.broker, { id: aliceBot.id, options: { decisions: 3 } }, shown.print);
  t.match(shown.text(), /"status": "running"/);
  t.match(shown.text(), /last 3 decisions:/);
  t.equal(shown.lines.filter((line) => /^  \d{4}-\d{2}-\d{2}T/.test(line)).length, 3, 'three decision lines');
  const missing = capture();
  await showBotCommand(platform.mesh.broker, { id: crypto.randomUUID() }, missing.print);
  t.match(missing.text(), /bot failed: bot not found/);
});

t.test('pause and resume change any user\'s bot, need a reason, and are audited as the operator\'s', async (t) => {
  const refused = capture();
  await botCommand(platform.mesh.broker, 'pause', { id: aliceBot.id, rawCommand: `pause ${aliceBot.id}` }, refused.print, 'ops@test');
  t.match(refused.text(), /usage: pause/);
  const paused = capture();
  await botCommand(platform.mesh.broker, 'pause', { id: aliceBot.id, rawCommand: `pause ${aliceBot.id} exchange maintenance tonight` }, paused.print, 'ops@test');
  t.match(paused.text(), /is now paused/);
  t.match((await alice.get(`/bots/${aliceBot.id}`)).body, { status: 'paused', statusReason: 'operator: exchange maintenance tonight' });
  const resumed = capture();
  await botCommand(platform.mesh.broker, 'start', { id: aliceBot.id, rawCommand: `resume ${aliceBot.id} maintenance over` }, resumed.print, 'ops@test');
  t.equal((await alice.get(`/bots/${aliceBot.id}`)).body.status, 'running');
  const rows = await platform.mesh.database.em().getConnection().execute<{ action: string; actor_kind: string; actor_label: string; target: string; outcome: string }[]>(
    `select action, actor_kind, actor_label, target, outcome from audit_log where actor_kind = 'operator' order by at`);
  t.match(rows, [
    { action: 'repl pause: exchange maintenance tonight', actor_label: 'ops@test', target: aliceBot.id, outcome: 'ok' },
    { action: 'repl resume: maintenance over', actor_label: 'ops@test', target: aliceBot.id, outcome: 'ok' },
  ]);
});

t.test('kill switch, bus lag and dead letters answer from the REPL', async (t) => {
  const shown = capture();
  await killSwitchCommand(platform.mesh.broker, {}, shown.print);
  t.match(shown.text(), /"mode": "off"/);
  const set = capture();
  await killSwitchCommand(platform.mesh.broker, { mode: 'entries', reason: ['repl', 'test', 'drill'] }, set.print);
  t.match(set.text(), /"mode": "entries"/);
  await killSwitchCommand(platform.mesh.broker, { mode: 'off', reason: ['drill', 'done'] }, () => undefined);
  const lag = capture();
  await busLagCommand(platform.mesh.broker, lag.print);
  t.match(lag.text(), /bus, \d+ partitions per stream/);
  const letters = capture();
  await deadLettersCommand(platform.mesh.broker, {}, letters.print);
  t.match(letters.text(), /no dead letters/);
});

t.test('npm run repl joins the running mesh over NATS and runs the commands typed', async (t) => {
  const child = spawn('npm', ['run', '--silent', 'repl'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  t.teardown(() => { child.kill('SIGKILL'); });
  await eventually(async () => (output.includes('tradebot $') ? true : undefined), 30_000, 'the REPL prompt');
  child.stdin.write('bots --status running\n');
  await eventually(async () => (output.includes(aliceBot.id) ? true : undefined), 15_000, 'the bots command output');
  child.stdin.write('help\n');
  await eventually(async () => (/killswitch/.test(output) && /deadletters/.test(output) && /resume/.test(output) ? true : undefined), 15_000, 'help listing the commands');
  child.stdin.write('killswitch entries drill from the repl\n');
  await eventually(async () => (/"reason": "drill from the repl"/.test(output) ? true : undefined), 15_000, 'the kill switch set with the whole reason');
  child.stdin.write(`pause ${bobBot.id} operator drill\n`);
  await eventually(async () => (output.includes('pause failed') || output.includes('is now paused') ? true : undefined), 15_000, 'pause output');
  t.match(output, /cannot pause a bot that is created/, 'a refused command says why');
  child.stdin.write('killswitch off drill over\n');
  await eventually(async () => (/"reason": "drill over"/.test(output) ? true : undefined), 15_000, 'the kill switch off again');
  t.pass('the operator node listed the platform\'s bots and the commands');
});
