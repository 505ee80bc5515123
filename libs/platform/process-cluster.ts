/**
 * The mesh as separate processes on one machine: each entry of a layout is one
 * `bin/service.ts` process running some services. Used by `npm run cluster` and by the
 * fault tests, which kill replicas with SIGKILL and start them again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** One process of the cluster. */
export interface ProcessSpec {
  /** Unique, e.g. "strategy-2". */
  readonly label: string;
  readonly services: readonly string[];
  /** Environment added to the cluster's for this process (e.g. PORT for the gateway). */
  readonly env?: Readonly<Record<string, string>>;
}

export type ReplicaCounts = Readonly<Record<string, number>>;

/** `npm run cluster`'s default: gateway, bots and risk once; scheduler, strategy and execution twice. */
export const DEFAULT_REPLICAS: ReplicaCounts = { gateway: 1, bots: 1, risk: 1, scheduler: 2, strategy: 2, execution: 2 };

/** One process per replica of each service, labelled `<service>-<n>`. */
export function clusterLayout(replicas: ReplicaCounts): ProcessSpec[] {
  const specs: ProcessSpec[] = [];
  for (const [service, count] of Object.entries(replicas)) {
    for (let index = 1; index <= count; index += 1) specs.push({ label: `${service}-${index}`, services: [service] });
  }
  return specs;
}

export interface ClusterOptions {
  /** Environment of every process (on top of this process's). */
  readonly env: Readonly<Record<string, string>>;
  /** Each output line of each process, with its label. */
  readonly onLine?: (label: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long a process may take to say it is running. */
  readonly startTimeoutMs?: number;
}

interface Member {
  readonly spec: ProcessSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const SERVICE_SCRIPT = path.resolve(import.meta.dirname, '../../bin/service.ts');

export class ProcessCluster {
  readonly #options: ClusterOptions;
  readonly #members = new Map<string, Member>();
  #stopping = false;

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  labels(): string[] {
    return [...this.#members.keys()];
  }

  pid(label: string): number | undefined {
    return this.#members.get(label)?.child.pid;
  }

  /** Starts the processes of `specs` and resolves once each says it is running. */
  async start(specs: readonly ProcessSpec[]): Promise<void> {
    await Promise.all(specs.map((spec) => this.#launch(spec)));
  }

  #launch(spec: ProcessSpec): Promise<void> {
    const child = spawn(process.execPath, [SERVICE_SCRIPT, ...spec.services], {
      env: { ...process.env, ...this.#options.env, ...spec.env, LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches only the cluster, which stops each process once, gracefully.
      detached: true,
    });
    const running = Promise.withResolvers<void>();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const timer = setTimeout(() => running.reject(new Error(`${spec.label} did not start within ${this.#options.startTimeoutMs ?? 60_000} ms`)), this.#options.startTimeoutMs ?? 60_000);
    // The last lines a process wrote, to say why it failed to start.
    const recent: string[] = [];
    void exited.then((code) => running.reject(new Error(`${spec.label} exited with code ${code} before it was running:\n${recent.join('\n')}`)));
    for (const [stream, source] of [['stdout', child.stdout!], ['stderr', child.stderr!]] as const) {
      readline.createInterface({ input: source }).on('line', (line) => {
        recent.push(line.slice(0, 2_000));
        if (recent.length > 10) recent.shift();
        if (stream === 'stdout' && line.includes('"msg":"services ') && line.includes(' running')) running.resolve();
        this.#options.onLine?.(spec.label, line, stream);
      });
    }
    this.#members.set(spec.label, { spec, child, exited });
    return running.promise.finally(() => clearTimeout(timer));
  }

  /** Sends `signal` to one process (SIGKILL: a crash, nothing drained) and waits for it to end. */
  async kill(label: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const member = this.#members.get(label);
    if (!member) throw new Error(`no process ${label} in the cluster`);
    member.child.kill(signal);
    await member.exited;
  }

  /** Starts a process of the cluster again (after `kill`), with the same services and environment. */
  restart(label: string): Promise<void> {
    const member = this.#members.get(label);
    if (!member) throw new Error(`no process ${label} in the cluster`);
    return this.#launch(member.spec);
  }

  /** Stops every process gracefully (SIGTERM: in-flight work finishes); SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await Promise.all(
      [...this.#members.values()].map(async (member) => {
        if (member.child.exitCode !== null || member.child.signalCode !== null) return;
        member.child.kill('SIGTERM');
        const timer = setTimeout(() => member.child.kill('SIGKILL'), graceMs);
        await member.exited;
        clearTimeout(timer);
      }),
    );
  }
}
