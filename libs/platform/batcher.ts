/**
 * Coalesces calls made at about the same moment into one batch call: every call made
 * before the event loop next turns goes into one `run`, each caller getting its own
 * result. Used to serve the handlers of many bus partitions, running at once, with one
 * set-based database round trip instead of one per bot.
 */
export type BatchRunner<In, Out> = (inputs: readonly In[]) => Promise<readonly Out[]>;

export function createBatcher<In, Out>(run: BatchRunner<In, Out>, maxSize = 500): (input: In) => Promise<Out> {
  let pending: { input: In; result: PromiseWithResolvers<Out> }[] = [];
  const flush = () => {
    const batch = pending;
    if (batch.length === 0) return;
    pending = [];
    run(batch.map((entry) => entry.input)).then(
      (outputs) => batch.forEach((entry, index) => entry.result.resolve(outputs[index]!)),
      (error: unknown) => batch.forEach((entry) => entry.result.reject(error)),
    );
  };
  return (input) => {
    const result = Promise.withResolvers<Out>();
    pending.push({ input, result });
    if (pending.length === 1) setImmediate(flush);
    else if (pending.length >= maxSize) flush();
    return result.promise;
  };
}
