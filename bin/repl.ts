/**
 * `npm run repl`: joins the running mesh over NATS_URL as an operator node (no services of
 * its own) and opens the Moleculer REPL with the platform's commands (`help` lists them:
 * bots, bot, pause, resume, killswitch, buslag, deadletters, besides Moleculer's own).
 * The embedded platform has no NATS: there, `npm start -- --repl` opens the same REPL
 * inside the platform's process.
 */
import os from 'node:os';
import { ServiceBroker } from 'moleculer';
import { brokerOptions } from '../moleculer.config.ts';
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';
import { openOperatorRepl } from './operator-repl.ts';

const config = loadConfigOrExit();
if (!config.natsUrl) {
  process.stderr.write('NATS_URL is not set: the embedded platform runs in one process with no mesh to join.\nOpen the operator REPL inside it instead: npm start -- --repl\n');
  process.exit(2);
}
// The operator's node logs only warnings: the terminal is for the REPL.
const logger = createLogger({ level: 'warn', pretty: config.logPretty });
const broker = new ServiceBroker({
  ...brokerOptions({ config: { ...config, logLevel: 'warn', metricsPort: undefined }, logger, nodeID: `operator-${os.hostname()}-${process.pid}` }),
});
await broker.start();
try {
  await broker.waitForServices(['bots'], 15_000);
} catch {
  process.stderr.write('no bots service answered within 15 s: is the platform running on this NATS_URL and NAMESPACE?\n');
}
openOperatorRepl(broker);
