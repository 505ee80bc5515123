import t from 'tap';
import { BOT_COMMANDS, BOT_STATUSES, isScheduled, mayEnter, transition } from '../../../libs/domain/bot-lifecycle.ts';

t.test('the normal life of a bot is allowed: create, start, pause, resume, stop, delete', async (t) => {
  const steps = [['created', 'start', 'running'], ['running', 'pause', 'paused'], ['paused', 'start', 'running'], ['running', 'stop', 'stopped'], ['stopped', 'delete', 'deleted']] as const;
  for (const [from, command, to] of steps) t.same(transition(from, command), { kind: 'allowed', next: to }, `${command} from ${from}`);
});

t.test('impossible transitions are refused with a reason that says what to do', async (t) => {
  const deleteRunning = transition('running', 'delete');
  t.equal(deleteRunning.kind, 'refused');
  t.match(deleteRunning.kind === 'refused' ? deleteRunning.reason : '', /cannot delete a bot that is running: stop the bot/);
  t.equal(transition('created', 'stop').kind, 'refused');
  t.equal(transition('stopped', 'pause').kind, 'refused');
  t.equal(transition('running', 'start').kind, 'refused', 'starting twice is refused');
  t.equal(transition('running', 'reconfigure').kind, 'refused');
});

t.test('a deleted bot accepts no command at all', async (t) => {
  for (const command of BOT_COMMANDS) t.equal(transition('deleted', command).kind, 'refused', command);
});

t.test('paused bots are still ticked (exits run) but may not enter', async (t) => {
  t.ok(isScheduled('paused'));
  t.notOk(mayEnter('paused'));
  t.ok(mayEnter('running'));
  t.same(BOT_STATUSES.filter(isScheduled), ['running', 'paused']);
});
