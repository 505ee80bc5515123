/** A small Server-Sent Events client for tests: what a browser-less client would do with fetch. */

export interface StreamedEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: any;
}

export interface EventStreamClient {
  readonly status: number;
  readonly headers: Headers;
  /** Every event received so far, in order. */
  readonly events: StreamedEvent[];
  /** Waits until `count` events match `predicate`. */
  waitFor(predicate: (event: StreamedEvent) => boolean, count: number, timeoutMs: number): Promise<StreamedEvent[]>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: StreamedEvent[] = [];
  const waiters = new Set<() => void>();
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
            }
            if (fields['data'] === undefined) continue;
            events.push({ id: fields['id'], event: fields['event'] ?? 'message', data: JSON.parse(fields['data']) });
            for (const wake of waiters) wake();
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    status: response.status,
    headers: response.headers,
    events,
    async waitFor(predicate, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = events.filter(predicate);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${count} events (have ${matching.length} of ${events.length})`);
        await new Promise<void>((resolve) => {
          const wake = () => { waiters.delete(wake); resolve(); };
          waiters.add(wake);
          setTimeout(wake, 100);
        });
      }
    },
    close() {
      abort.abort();
    },
  };
}
