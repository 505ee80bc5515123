/** Shared pieces of every screen: data loading with live refresh, and the loading, empty and error states. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { subscribeLive, type LiveEvent } from '../live.ts';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` now and whenever `deps` change; with `refreshOn`, again (debounced) on
 * each live event it accepts. The last data stays on screen while a refresh runs, so live
 * updates never flash a spinner.
 */
/** Live refreshes of one resource are at least this far apart: a human reads no faster, and the API's per-user rate limit stays far away. */
export const MIN_REFRESH_MS = 1_000;

export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], refreshOn?: (event: LiveEvent) => boolean, minRefreshMs = MIN_REFRESH_MS): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  // Answers for older `deps` are dropped; refreshes never overlap: one asked for while a
  // load runs happens once it ends (otherwise, with events faster than the API answers,
  // each answer would be dropped for the next and the screen would never update).
  const generation = useRef(0);
  const lastStart = useRef(0);
  const inFlight = useRef(false);
  const again = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback((fresh = false) => {
    if (fresh) generation.current += 1;
    else if (inFlight.current) {
      again.current = true;
      return;
    }
    const mine = generation.current;
    lastStart.current = Date.now();
    inFlight.current = true;
    again.current = false;
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current()
      .then(
        (data) => {
          if (mine === generation.current) setState({ data, loading: false });
        },
        (error: Error) => {
          if (mine === generation.current) setState((previous) => ({ data: previous.data, error, loading: false }));
        },
      )
      .finally(() => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        if (again.current) run();
      });
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => run(true), deps);
  const reload = useCallback(() => run(), [run]);
  const filterRef = useRef(refreshOn);
  filterRef.current = refreshOn;
  const live = refreshOn !== undefined;
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeLive((event) => {
      if (!filterRef.current?.(event)) return;
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          run();
        },
        Math.max(250, lastStart.current + minRefreshMs - Date.now()),
      );
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [live, run, minRefreshMs]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorNotice({ error, retry }: { error: Error; retry?: () => void }) {
  const status = error instanceof ApiError ? error.status : undefined;
  return (
    <div className="state error" role="alert">
      <strong>{status === 404 ? 'Not found.' : status === 0 ? 'Offline.' : 'Something went wrong.'}</strong> {error.message}
      {retry ? (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** A form's error that belongs to no single field. */
export function FormError({ message }: { message: string | undefined }) {
  return message ? (
    <div className="state error" role="alert">
      {message}
    </div>
  ) : null;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** Shows a resource: loading the first time, its error (data kept if any), or `render(data)`. */
export function Show<T>({ resource, what, children }: { resource: Resource<T>; what: string; children: (data: T) => ReactNode }) {
  if (resource.data === undefined) {
    if (resource.error) return <ErrorNotice error={resource.error} retry={resource.reload} />;
    return <Loading what={what} />;
  }
  return (
    <>
      {resource.error ? <ErrorNotice error={resource.error} retry={resource.reload} /> : null}
      {children(resource.data)}
    </>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

/** Re-renders every `ms` so "12 s ago" stays true. */
export function useNow(ms = 1_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** A sortable table header: click to sort by this key, again to reverse. */
export function SortHeader<K extends string>(props: { label: string; sortKey: K; sort: { key: K; descending: boolean }; onSort: (sort: { key: K; descending: boolean }) => void; className?: string }) {
  const active = props.sort.key === props.sortKey;
  return (
    <th className={props.className} aria-sort={active ? (props.sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => props.onSort({ key: props.sortKey, descending: active ? !props.sort.descending : false })}>
        {props.label}
        <span aria-hidden="true">{active ? (props.sort.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  const numberA = typeof a === 'number' ? a : Number(a);
  const numberB = typeof b === 'number' ? b : Number(b);
  if (Number.isFinite(numberA) && Number.isFinite(numberB) && String(a).trim() !== '' && String(b).trim() !== '') return numberA - numberB;
  return String(a).localeCompare(String(b));
}
