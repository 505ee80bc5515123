/**
 * REPL commands of the bots service (gathered by bin/repl-commands.ts): an operator lists
 * bots across users, looks at one with its last decisions, and pauses or resumes it. Every
 * change goes to the audit log as the operator's.
 */
import os from 'node:os';
import type { ServiceBroker } from 'moleculer';
import { ACTIONS } from '../../libs/contracts/actions.ts';
import { wordsAfter } from '../shared/repl-arguments.ts';

type Print = (line: string) => void;

/** Who the operator is in the audit log: the operating-system account and host. */
export function operatorName(): string {
  return `${os.userInfo().username}@${os.hostname()}`;
}

interface OperatorBot {
  id: string; name: string; status: string; statusReason: string | null; market: string; timeframe: string;
  strategy: { name: string }; ownerEmail?: string; userId: string;
}

interface ListArgs {
  options: { user?: string; status?: string; limit?: string | number };
}

/** `bots [--user <email>] [--status <state>]`: every bot matching, one line each. */
export async function listBotsCommand(broker: ServiceBroker, args: ListArgs, print: Print = console.log): Promise<void> {
  const { user, status, limit } = args.options ?? {};
  try {
    const { items } = await broker.call<{ items: OperatorBot[] }, object>(ACTIONS.bots.operatorList, {
      ...(user ? { ownerEmail: String(user) } : {}), ...(status ? { status: String(status) } : {}), ...(limit ? { limit: Number(limit) } : {}),
    });
    if (items.length === 0) print('no bots match');
    for (const bot of items) print(`${bot.id}  ${bot.status.padEnd(8)} ${bot.market.padEnd(10)} ${bot.timeframe.padEnd(4)} ${bot.strategy.name.padEnd(18)} ${bot.ownerEmail}  "${bot.name}"`);
  } catch (error) {
    print(`bots failed: ${(error as Error).message}`);
  }
}

/** `bot <id> [--decisions n]`: the bot, then its last decisions, newest first. */
export async function showBotCommand(broker: ServiceBroker, args: { id?: string; options?: { decisions?: string | number } }, print: Print = console.log): Promise<void> {
  if (!args.id) {
    print('usage: bot <id> [--decisions <n>]');
    return;
  }
  try {
    const shown = await broker.call<{ bot: OperatorBot & Record<string, unknown>; decisions: Record<string, unknown>[] }, object>(ACTIONS.bots.operatorShow, {
      id: args.id, ...(args.options?.decisions ? { decisions: Number(args.options.decisions) } : {}),
    });
    print(JSON.stringify(shown.bot, null, 2));
    print(`last ${shown.decisions.length} decisions:`);
    for (const decision of shown.decisions) {
      print(`  ${String(decision['candleTime'])}  ${String(decision['signal']).padEnd(4)} ${String(decision['outcome']).padEnd(8)} ${String(decision['price'] ?? '-').padEnd(14)} ${String(decision['reason'])}`);
    }
  } catch (error) {
    print(`bot failed: ${(error as Error).message}`);
  }
}

interface CommandArgs {
  id?: string;
  reason?: string | string[];
  rawCommand?: string;
}

/** `pause <id> <reason...>` and `resume <id> <reason...>`: the lifecycle command, audited. */
export async function botCommand(broker: ServiceBroker, command: 'pause' | 'start', args: CommandArgs, print: Print = console.log, operator = operatorName()): Promise<void> {
  const reason = wordsAfter(args, 2, args.reason).trim();
  const verb = command === 'start' ? 'resume' : command;
  if (!args.id || reason.length < 3) {
    print(`usage: ${verb} <bot id> <reason>  (a reason of 3 characters or more is required)`);
    return;
  }
  let outcome: 'ok' | 'failed' = 'ok';
  try {
    const bot = await broker.call<OperatorBot, object>(ACTIONS.bots.operatorCommand, { id: args.id, command, reason }, { meta: { operator } });
    print(`${bot.id} is now ${bot.status}`);
  } catch (error) {
    outcome = 'failed';
    print(`${verb} failed: ${(error as Error).message}`);
  }
  await broker.call(ACTIONS.audit.record, { operator, action: `repl ${verb}: ${reason}`.slice(0, 128), target: args.id, outcome, host: os.hostname().slice(0, 64) })
    .catch((error: unknown) => print(`(could not write the audit log: ${(error as Error).message})`));
}

export const replCommands = [
  {
    command: 'bots',
    description: 'List bots across users: --user <email> for one owner, --status <created|running|paused|stopped|error>, --limit <n> (default 200)',
    alias: ['list-bots'],
    options: [
      { option: '--user <email>', description: "only this owner's bots" },
      { option: '--status <state>', description: 'only bots in this state' },
      { option: '--limit <n>', description: 'at most n bots' },
    ],
    action: (broker: ServiceBroker, args: ListArgs) => listBotsCommand(broker, args),
  },
  {
    command: 'bot <id>',
    description: 'Show one bot (any user) with its last decisions: --decisions <n> (default 10)',
    alias: ['show-bot'],
    options: [{ option: '--decisions <n>', description: 'how many of the last decisions' }],
    action: (broker: ServiceBroker, args: { id?: string; options?: { decisions?: string } }) => showBotCommand(broker, args),
  },
  {
    command: 'pause <id> [reason...]',
    description: 'Pause a bot (entries stop, exits still run), with a reason; audited as yours',
    action: (broker: ServiceBroker, args: CommandArgs) => botCommand(broker, 'pause', args),
  },
  {
    command: 'resume <id> [reason...]',
    description: 'Resume (start) a paused or stopped bot, with a reason; audited as yours',
    action: (broker: ServiceBroker, args: CommandArgs) => botCommand(broker, 'start', args),
  },
];
