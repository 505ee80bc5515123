/** Runs a started thing until SIGINT or SIGTERM, then stops it gracefully (a second signal forces exit). */

export interface Stoppable {
  stop(): Promise<void>;
}

export async function runUntilSignal(start: () => Promise<Stoppable>): Promise<void> {
  let stopping = false;
  let running: Stoppable | undefined;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`${signal}: stopping (in-flight work finishes first)...\n`);
    try {
      await running?.stop();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`stop failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    running = await start();
  } catch (error) {
    process.stderr.write(`failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
