/**
 * Every custom command of `npm run repl`: each service that has operator commands keeps
 * them in services/<service>/repl-commands.ts (exporting `replCommands`); add a new one here.
 */
import { replCommands as botsCommands } from '../services/bots/repl-commands.ts';
import { replCommands as busCommands } from '../services/bus/repl-commands.ts';
import { replCommands as riskCommands } from '../services/risk/repl-commands.ts';

export const REPL_COMMANDS = [...botsCommands, ...riskCommands, ...busCommands];
