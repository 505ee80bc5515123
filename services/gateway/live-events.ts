/**
 * The gateway's live-event streams (Server-Sent Events): each connection gets the
 * caller's own entries from the journal, resumes after a Last-Event-ID without loss or
 * duplicates, and is told to reload (`event: resync`) when the gap is too old to replay.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareEntryIds, type JournalEntry, type LiveEventJournal } from '../../libs/platform/live-event-journal.ts';

/** Streams one user may hold open at once (tabs, devices). */
export const MAX_STREAMS_PER_USER = 10;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting. */
const RETRY_MS = 2_000;

interface Connection {
  readonly response: ServerResponse;
  /** Entries that arrived while the backlog was being sent; null once live. */
  pending: JournalEntry[] | null;
  lastId: string | undefined;
}

function frame(entry: JournalEntry): string {
  return `id: ${entry.id}\nevent: ${entry.event}\ndata: ${JSON.stringify(entry.data)}\n\n`;
}

export class LiveEventHub {
  readonly #journal: LiveEventJournal;
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(journal: LiveEventJournal) {
    this.#journal = journal;
    journal.subscribe((entry) => this.#deliver(entry));
    this.#heartbeat = setInterval(() => {
      for (const connections of this.#byUser.values()) for (const connection of connections) connection.response.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  get journal(): LiveEventJournal {
    return this.#journal;
  }

  streamsOf(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Opens a stream for `userId`, first replaying what came after `lastEventId`. */
  async open(userId: string, request: IncomingMessage, response: ServerResponse, lastEventId: string | undefined): Promise<void> {
    const connection: Connection = { response, pending: [], lastId: lastEventId };
    let connections = this.#byUser.get(userId);
    if (!connections) this.#byUser.set(userId, (connections = new Set()));
    connections.add(connection);
    const forget = () => {
      connections.delete(connection);
      if (connections.size === 0 && this.#byUser.get(userId) === connections) this.#byUser.delete(userId);
    };
    request.on('close', forget);
    response.on('close', forget);

    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx: pass events through as they come.
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    if (lastEventId !== undefined) {
      const resumption = await this.#journal.since(userId, lastEventId);
      // An id this journal cannot place says nothing about what the client has: do not filter by it.
      if (!resumption.complete) connection.lastId = undefined;
      if (!resumption.complete) response.write(`event: resync\ndata: ${JSON.stringify({ reason: 'some events since your Last-Event-ID are no longer kept; reload the state, then follow the stream' })}\n\n`);
      for (const entry of resumption.entries) this.#send(connection, entry);
    }
    const pending = connection.pending ?? [];
    connection.pending = null;
    for (const entry of pending) this.#send(connection, entry);
  }

  /** Ends every stream (the gateway is stopping); clients reconnect to another replica. */
  closeAll(): void {
    clearInterval(this.#heartbeat);
    for (const connections of this.#byUser.values()) for (const connection of connections) connection.response.end();
    this.#byUser.clear();
  }

  #deliver(entry: JournalEntry): void {
    for (const connection of this.#byUser.get(entry.userId) ?? []) {
      if (connection.pending) connection.pending.push(entry);
      else this.#send(connection, entry);
    }
  }

  /** Writes an entry unless the connection already has it (replay and live overlap). */
  #send(connection: Connection, entry: JournalEntry): void {
    if (connection.lastId !== undefined && compareEntryIds(entry.id, connection.lastId) <= 0) return;
    connection.lastId = entry.id;
    connection.response.write(frame(entry));
  }
}
