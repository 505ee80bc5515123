/**
 * REPL commands of the bus service (gathered by bin/repl-commands.ts): the scaling signals
 * and the dead letters, for an operator attached to the running mesh.
 */
import type { ServiceBroker } from 'moleculer';
import type { DeadLetter } from '../../libs/bus/bus.ts';
import { ACTIONS } from '../../libs/contracts/actions.ts';
import type { BusLagReport } from './bus.service.ts';

type Print = (line: string) => void;

/** `buslag`: throughput and waiting work per stream, then every partition with work. */
export async function busLagCommand(broker: ServiceBroker, print: Print = console.log): Promise<void> {
  const report = await broker.call<BusLagReport, object>(ACTIONS.bus.lag, {});
  print(`${report.bus} bus, ${report.partitions} partitions per stream`);
  for (const stream of report.streams) {
    print(`  ${stream.stream.padEnd(10)} ${stream.perSecond.toFixed(1).padStart(9)} msg/s  ${String(stream.pending).padStart(7)} pending  ${String(stream.inFlight).padStart(4)} in flight  ${stream.published} published`);
  }
  if (report.lag.length === 0) print('  no partition has work waiting');
  for (const row of report.lag) print(`    ${row.stream}[${row.partition}]: ${row.pending} pending, ${row.inFlight} in flight`);
}

interface DeadLetterArgs {
  action?: string;
  id?: string;
}

/** `deadletters` lists them; `deadletters replay <id>` and `deadletters remove <id>` act on one. */
export async function deadLettersCommand(broker: ServiceBroker, args: DeadLetterArgs, print: Print = console.log): Promise<void> {
  if (args.action === undefined || args.action === 'list') {
    const { items } = await broker.call<{ items: DeadLetter[] }, object>(ACTIONS.bus.deadLetters, {});
    if (items.length === 0) print('no dead letters');
    for (const letter of items) {
      print(`#${letter.id} ${new Date(letter.failedAt).toISOString()} ${letter.stream} bot ${letter.botId} (${letter.msgId}, ${letter.deliveries} deliveries): ${letter.error}`);
    }
    return;
  }
  if ((args.action !== 'replay' && args.action !== 'remove') || !args.id) {
    print('usage: deadletters [list | replay <id> | remove <id>]');
    return;
  }
  const action = args.action === 'replay' ? ACTIONS.bus.replayDeadLetter : ACTIONS.bus.removeDeadLetter;
  try {
    print(JSON.stringify(await broker.call(action, { id: args.id })));
  } catch (error) {
    print(`${args.action} failed: ${(error as Error).message}`);
  }
}

export const replCommands = [
  {
    command: 'buslag',
    description: 'Bus scaling signals: messages per second and waiting work per stream, pending and in-flight per partition',
    alias: ['bus-lag'],
    action: (broker: ServiceBroker) => busLagCommand(broker),
  },
  {
    command: 'deadletters [action] [id]',
    description: 'Bus dead letters: list them, or replay <id> (publish again and remove) or remove <id>',
    alias: ['dead-letters'],
    action: (broker: ServiceBroker, args: DeadLetterArgs) => deadLettersCommand(broker, args),
  },
];
