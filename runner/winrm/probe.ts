import { performance } from 'node:perf_hooks';
import { isConnectionError, type ConnectionErrorCategory } from '../connection-error';
import { WinRmClient, type WinRmClientOptions } from './client';
import { WinRmFault } from './responses';

/**
 * The connection test for WinRM targets: can the runner reach the WinRM service, trust its
 * certificate, authenticate, and open a shell? The service's Identify answer names the OS version;
 * creating and deleting a shell proves the account may run commands (Identify alone does not).
 * Failures are answers, as for SSH: a failed test is a normal outcome with a category.
 */
export type WinRmProbeResult = { ok: true; latencyMs: number; os: string } | { ok: false; category: ConnectionErrorCategory; message: string };

/** `OS: 10.0.17763 SP: 0.0 Stack: 3.0` → `Windows 10.0.17763`; other vendors as they describe themselves. */
export const osOfIdentify = (vendor: string | undefined, productVersion: string | undefined): string => {
  const version = /OS:\s*([\d.]+)/.exec(productVersion ?? '')?.[1];
  if (version !== undefined && (vendor ?? '').startsWith('Microsoft')) return `Windows ${version}`;
  return [vendor, productVersion].filter((s) => s !== undefined).join(' ') || 'unknown';
};

export const testWinRmConnection = async (opts: WinRmClientOptions, { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<WinRmProbeResult> => {
  const started = performance.now();
  let client: WinRmClient | undefined;
  try {
    client = new WinRmClient({ ...opts, requestTimeoutMs: timeoutMs });
    const identity = await client.identify(signal);
    await client.createShell({}, signal);
    await client.deleteShell(signal);
    return { ok: true, latencyMs: Math.round(performance.now() - started), os: osOfIdentify(identity.vendor, identity.productVersion) };
  } catch (e) {
    if (signal?.aborted === true) throw e;
    if (isConnectionError(e)) return { ok: false, category: e.category, message: e.message };
    // The service answered, and refused: most often the account may not use WinRM (access denied).
    if (e instanceof WinRmFault) return { ok: false, category: e.wsmanCode === 5 || e.wsmanCode === 2147942405 ? 'AUTH_FAILED' : 'PROTOCOL', message: e.message };
    throw e;
  } finally {
    await client?.close();
  }
};
