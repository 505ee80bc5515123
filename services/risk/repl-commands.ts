/**
 * REPL commands of the risk service (gathered by bin/repl-commands.ts): the operator's
 * kill switch. The REPL has no logged-in user, so the change is recorded as made by
 * "repl@<host>" (the operator's machine), with the reason typed.
 */
import os from 'node:os';
import type { ServiceBroker } from 'moleculer';
import { ACTIONS } from '../../libs/contracts/actions.ts';
import { wordsAfter } from '../shared/repl-arguments.ts';
import { isKillSwitchMode, KILL_SWITCH_MODES } from '../../libs/risk/kill-switch.ts';

interface KillSwitchArgs {
  mode?: string;
  reason?: string | string[];
  rawCommand?: string;
}

/** `killswitch` shows the switch; `killswitch <off|entries|all> <reason...>` sets it. */
export async function killSwitchCommand(broker: ServiceBroker, args: KillSwitchArgs, print: (line: string) => void = console.log): Promise<void> {
  if (args.mode === undefined) {
    print(JSON.stringify(await broker.call(ACTIONS.risk.killSwitch, {}), null, 2));
    return;
  }
  const reason = wordsAfter(args, 2, args.reason).trim();
  if (!isKillSwitchMode(args.mode) || reason.length < 3) {
    print(`usage: killswitch [${KILL_SWITCH_MODES.join('|')} <reason>]  (a reason of 3 characters or more is required)`);
    return;
  }
  const state = await broker.call(ACTIONS.risk.setKillSwitch, { mode: args.mode, reason, operator: `repl@${os.hostname()}` });
  print(JSON.stringify(state, null, 2));
}

export const replCommands = [
  {
    command: 'killswitch [mode] [reason...]',
    description: `Show the platform kill switch, or set it: ${KILL_SWITCH_MODES.join(' | ')} with a reason (recorded with who and why)`,
    alias: ['kill-switch'],
    action: (broker: ServiceBroker, args: KillSwitchArgs) => killSwitchCommand(broker, args),
  },
];
