import type { HttpPoster } from '../../core/ports/notifier';

/**
 * HTTP POSTs with Node's fetch, the same on AWS and locally. Redirects are not followed (a
 * webhook that moved says so with its 3xx), and the answer's body is never read into messages.
 */
export const fetchHttpPoster: HttpPoster = {
  post: async (url, body, headers, timeoutMs) => {
    const res = await fetch(url, { method: 'POST', body, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { status: res.status };
  },
};
