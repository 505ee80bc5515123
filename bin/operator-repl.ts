/** Opens the Moleculer REPL on a broker with the platform's operator commands. */
import type { ServiceBroker } from 'moleculer';
import { createRequire } from 'node:module';
import { REPL_COMMANDS } from './repl-commands.ts';

export function openOperatorRepl(broker: ServiceBroker): void {
  const repl = createRequire(import.meta.url)('moleculer-repl') as (broker: ServiceBroker, options: object) => unknown;
  repl(broker, { customCommands: REPL_COMMANDS, delimiter: 'tradebot $' });
}
