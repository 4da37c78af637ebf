import { randomUUID } from 'node:crypto';
import { abortErrorOf, ConnectionError } from '../connection-error';
import { WinRmHttpTransport, type WinRmTransportOptions } from './http';
import {
  commandMessage,
  createShellMessage,
  deleteShellMessage,
  identifyMessage,
  receiveMessage,
  sendMessage,
  signalMessage,
  type CommandOptions,
  type CreateShellOptions,
  type EnvelopeOptions,
} from './messages';
import type { SignalName } from './namespaces';
import { parseCommandId, parseIdentify, parseReceive, parseResponse, parseShellId, WinRmFault, type IdentifyResult } from './responses';

/**
 * A WinRM (WS-Management) remote shell client: one cmd shell on one host, commands run in it one
 * after another, their output streamed through Receive until the command is Done. One operation
 * at a time: the host's single connection carries them in order (NTLM sealing depends on it).
 */

export interface WinRmClientOptions extends WinRmTransportOptions {
  /** How long the server may hold a Receive open when there is no output; also bounds Signal and Delete. */
  operationTimeoutSeconds?: number | undefined;
  maxEnvelopeSize?: number | undefined;
  locale?: string | undefined;
  /** For Create, Command, Send, Signal and Delete (Receive waits longer: OperationTimeout plus this). */
  requestTimeoutMs?: number | undefined;
}

export interface RunCommandOptions {
  onStdout?: ((chunk: Buffer) => void) | undefined;
  onStderr?: ((chunk: Buffer) => void) | undefined;
  /** Sent to the command's stdin, then stdin is closed. Without it stdin stays open (and empty). */
  stdin?: Buffer | string | undefined;
  /** Aborting terminates the command and deletes the shell, then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Like an abort, but rejects with a TIMEOUT ConnectionError. */
  timeoutMs?: number | undefined;
  /**
   * After an abort or timeout stopped a started command, before the rejection: whether the host
   * acknowledged deleting the shell (which ends everything the command started), so callers can
   * tell a verified stop from a hopeful one.
   */
  onStopped?: ((outcome: { shellDeleted: boolean }) => void) | undefined;
  /**
   * Awaited before each Receive: output is pulled, so a caller that cannot take more yet holds the
   * next Receive back (backpressure) by not settling it. An abort still ends the command.
   */
  beforeReceive?: (() => Promise<void>) | undefined;
  command?: CommandOptions | undefined;
}

const DEFAULTS = { operationTimeoutSeconds: 20, maxEnvelopeSize: 153600, locale: 'en-US', requestTimeoutMs: 30_000 };
/** Cleanup after a cancel or timeout must not hang on a host that stopped answering. */
const CLEANUP_TIMEOUT_MS = 5_000;

export class WinRmClient {
  private readonly transport: WinRmHttpTransport;
  private readonly env: EnvelopeOptions;
  private readonly requestTimeoutMs: number;
  private shell: string | undefined;

  constructor(opts: WinRmClientOptions) {
    this.transport = new WinRmHttpTransport(opts);
    this.env = {
      to: this.transport.url,
      maxEnvelopeSize: opts.maxEnvelopeSize ?? DEFAULTS.maxEnvelopeSize,
      operationTimeoutSeconds: opts.operationTimeoutSeconds ?? DEFAULTS.operationTimeoutSeconds,
      locale: opts.locale ?? DEFAULTS.locale,
      sessionId: randomUUID().toUpperCase(),
    };
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  }

  get shellId(): string | undefined {
    return this.shell;
  }

  /** Asks the service who it is (vendor, OS and stack version); authenticated like every request. */
  async identify(signal?: AbortSignal): Promise<IdentifyResult> {
    return parseIdentify(await this.call(identifyMessage(), signal));
  }

  /** Opens the shell (UTF-8 code page and no user profile unless told otherwise) and answers its id. */
  async createShell(opts: CreateShellOptions = {}, signal?: AbortSignal): Promise<string> {
    if (this.shell !== undefined) return this.shell;
    const doc = await this.call(createShellMessage(this.env, { codepage: 65001, noProfile: true, ...opts }), signal);
    this.shell = parseShellId(doc);
    return this.shell;
  }

  /**
   * Runs one command in the shell (creating it first if needed), streams its output to the
   * callbacks as Receive returns it, and answers its exit code (null if the server reported none).
   */
  async runCommand(command: string, args: readonly string[], opts: RunCommandOptions = {}): Promise<number | null> {
    const timeout = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
    const signals = [opts.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    let commandId: string | undefined;
    try {
      const shellId = await this.createShell({}, signal);
      commandId = parseCommandId(await this.call(commandMessage(this.env, shellId, command, args, { skipCmdShell: false, ...opts.command }), signal));
      if (opts.stdin !== undefined) await this.sendAll(shellId, commandId, Buffer.from(opts.stdin), signal);
      return await this.receiveUntilDone(shellId, commandId, opts, signal);
    } catch (e) {
      if (signal?.aborted !== true) throw e;
      // The command must not outlive its step: terminate it and drop the shell with everything in
      // it (also when the abort came before the Command's answer, so its id is unknown).
      const shellDeleted = await this.stopAfterCancel(commandId);
      opts.onStopped?.({ shellDeleted });
      if (timeout?.aborted === true && opts.signal?.aborted !== true) {
        throw new ConnectionError('TIMEOUT', `The command did not finish within ${String(opts.timeoutMs)} ms and was terminated.`, { code: 'ETIMEDOUT' });
      }
      throw abortErrorOf(signal);
    }
  }

  /** Sends a signal to a running command (terminate ends it; ctrl_c asks it to stop). */
  async signal(commandId: string, name: SignalName, signal?: AbortSignal): Promise<void> {
    await this.call(signalMessage(this.env, this.requireShell(), commandId, name), signal);
  }

  /** Deletes the shell and every process still running in it. */
  async deleteShell(signal?: AbortSignal): Promise<void> {
    const shellId = this.shell;
    if (shellId === undefined) return;
    this.shell = undefined;
    await this.call(deleteShellMessage(this.env, shellId), signal);
  }

  /** Deletes the shell if there is one (best effort) and closes the connection. */
  async close(): Promise<void> {
    try {
      await this.deleteShell(AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    } catch {
      // The host may be gone; the connection is closed either way.
    } finally {
      this.transport.close();
    }
  }

  private requireShell(): string {
    if (this.shell === undefined) throw new Error('No WinRM shell is open: call createShell first.');
    return this.shell;
  }

  private async call(envelope: string, signal: AbortSignal | undefined, timeoutMs = this.requestTimeoutMs) {
    return parseResponse(await this.transport.post(envelope, { timeoutMs, signal }));
  }

  private async sendAll(shellId: string, commandId: string, data: Buffer, signal: AbortSignal | undefined): Promise<void> {
    // base64 grows by 4/3; the rest of the envelope stays well under 8 KiB.
    const chunkSize = Math.max(1024, Math.floor((this.env.maxEnvelopeSize - 8192) / 4) * 3);
    let offset = 0;
    do {
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      await this.call(sendMessage(this.env, shellId, commandId, chunk, offset >= data.length), signal);
    } while (offset < data.length);
  }

  private async receiveUntilDone(shellId: string, commandId: string, opts: RunCommandOptions, signal: AbortSignal | undefined): Promise<number | null> {
    const receiveTimeoutMs = this.env.operationTimeoutSeconds * 1000 + this.requestTimeoutMs;
    for (;;) {
      if (opts.beforeReceive !== undefined) await opts.beforeReceive();
      let text: string;
      try {
        text = await this.transport.post(receiveMessage(this.env, shellId, commandId, { keepAlive: true }), { timeoutMs: receiveTimeoutMs, signal });
      } catch (e) {
        // No output within OperationTimeout: the command is still running; ask again.
        if (e instanceof WinRmFault && e.isTimedOut) continue;
        throw e;
      }
      const result = parseReceive(parseResponse(text), commandId);
      const stdout = result.streams.get('stdout');
      const stderr = result.streams.get('stderr');
      if (stdout !== undefined && stdout.length > 0) opts.onStdout?.(stdout);
      if (stderr !== undefined && stderr.length > 0) opts.onStderr?.(stderr);
      // Windows may report the real exit code only in the first Done; this is that one.
      if (result.state === 'done') return result.exitCode ?? null;
    }
  }

  /** Answers whether the host acknowledged deleting the shell. */
  private async stopAfterCancel(commandId: string | undefined): Promise<boolean> {
    const cleanup = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    try {
      if (commandId !== undefined && this.shell !== undefined) await this.signal(commandId, 'terminate', cleanup);
    } catch {
      // Deleting the shell below ends the command too.
    }
    try {
      await this.deleteShell(cleanup);
      return true;
    } catch {
      // Nothing more can be done from here; the shell's idle timeout ends it on the host.
      return false;
    }
  }
}
