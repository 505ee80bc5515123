/** Who is calling, as far as the gateway can tell: the client's address and user agent. */
import type { IncomingMessage } from 'node:http';

/**
 * The client's address. With `trustedProxies` = 0 it is the socket's peer; with N it is
 * the address N hops back in X-Forwarded-For (each trusted proxy appends the address it
 * saw), so a client cannot choose its address by sending the header itself.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxies === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => entry.trim()).filter(Boolean);
  // The peer is the last proxy; the entries it and the proxies before it appended are trusted.
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? peer;
}

/** The URL with credentials that may travel in the query (the live-events token) masked, for logs. */
export function loggableUrl(url: string | undefined): string {
  return (url ?? '').replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
}
