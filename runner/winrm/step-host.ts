import { StringDecoder } from 'node:string_decoder';
import { stepProtocolProblem } from '../../core/runs/blockers';
import { ConnectionError } from '../connection-error';
import { ExecutorInputError, type StepHost, type StepLaunch, type StepProcess, type Termination } from '../executor/types';
import type { WinrmOptions } from '../../core/inventory/target-schema';
import { WinRmClient, type WinRmClientOptions } from './client';
import { ClixmlStderrDecoder, powershellInvocation } from './powershell';
import { WinRmFault } from './responses';

/**
 * Steps on a Windows host over WinRM: the executor's StepHost (runner/executor/types.ts) over one
 * WinRmClient, so a WinRM host runs in a run exactly like an SSH host (timeouts, retries, cancel,
 * redaction and output stay with the executor).
 *
 * - Parameters are the shell's environment (`rsp:Environment` when the shell is created), as
 *   `OPSC_PARAM_<name>`: never on a command line, never parsed by cmd or PowerShell on the way.
 * - `command`: one cmd line (WinRM runs it as `cmd /c`); several lines are refused, because cmd
 *   reads only the first (core/runs/blockers.ts, which Plan applies first). `powershell`: the
 *   client's invocation (`-EncodedCommand`, long scripts through stdin), its CLIXML error stream
 *   decoded to text as it arrives. `script` needs an SSH host. stdin is closed, as over SSH.
 * - A stop aborts the command: Signal terminate, then Delete of the shell, which ends everything
 *   the command started. `killed` when the host acknowledged the Delete, `incomplete` when it did
 *   not. The next step gets a new shell with the same environment.
 * - Backpressure: output is pulled with Receive, so a paused step simply issues no Receive until it
 *   is resumed, and the command blocks on its full pipe on the host.
 */

/** Bounds deleting a shell after a stop that happened before the command was known to the client. */
const CLEANUP_TIMEOUT_MS = 5_000;

const environmentKey = (env: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const ACCESS_DENIED_HRESULT = 0x80070005;

/**
 * Faults during a step become connection errors, so the host ends with a category like an SSH host:
 * `Access is denied` (5, or as an HRESULT) is the credential's fault, anything else the server's.
 */
export const connectionErrorOf = (e: unknown): unknown => {
  if (e instanceof WinRmFault) return new ConnectionError(e.wsmanCode === 5 || e.wsmanCode === ACCESS_DENIED_HRESULT ? 'AUTH_FAILED' : 'PROTOCOL', e.message);
  return e;
};

export interface WinRmStepHost extends StepHost {
  /** Opens the shell with these parameters as its environment (the connection's first round trip). */
  open(env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void>;
}

export const winrmStepHost = (client: WinRmClient): WinRmStepHost => {
  /** The environment the client's open shell was created with. */
  let shellEnvironment: string | undefined;

  const ensureShell = async (env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void> => {
    const key = environmentKey(env);
    if (client.shellId !== undefined && shellEnvironment === key) return;
    if (client.shellId !== undefined) await client.deleteShell(signal);
    shellEnvironment = undefined;
    await client.createShell({ environment: Object.entries(env) }, signal);
    shellEnvironment = key;
  };

  return {
    open: async (env, signal) => {
      try {
        await ensureShell(env, signal);
      } catch (e) {
        throw connectionErrorOf(e);
      }
    },
    // There is no other way: the environment is part of creating the shell.
    parameterTransport: () => Promise.resolve('env'),
    startStep: async (launch) => {
      const problem = stepProtocolProblem('winrm', launch.step);
      if (problem !== undefined) throw new ExecutorInputError(problem);
      try {
        await ensureShell(launch.env, launch.signal);
      } catch (e) {
        throw connectionErrorOf(e);
      }
      return startCommand(client, launch);
    },
    close: () => client.close(),
  };
};

const startCommand = (client: WinRmClient, launch: StepLaunch): StepProcess => {
  const { step } = launch;
  const invocation =
    step.kind === 'powershell'
      ? powershellInvocation(step.content)
      : { command: step.content.replace(/\s+$/, ''), args: [] as string[], stdin: undefined };

  const stderr = step.kind === 'powershell' ? clixmlToText(launch.onStderr) : { push: launch.onStderr, end: () => undefined };
  const stopper = new AbortController();
  let stopOutcome: { shellDeleted: boolean } | undefined;
  let paused = false;
  let release: (() => void) | undefined;
  const unpause = () => {
    paused = false;
    release?.();
    release = undefined;
  };

  const exit = client
    .runCommand(invocation.command, invocation.args, {
      // An empty stdin still closes it: a step that reads stdin reads end of input, as over SSH.
      stdin: invocation.stdin ?? '',
      onStdout: launch.onStdout,
      onStderr: stderr.push,
      signal: stopper.signal,
      onStopped: (outcome) => {
        stopOutcome = outcome;
      },
      beforeReceive: () =>
        paused
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : Promise.resolve(),
    })
    .then(
      (exitCode) => {
        stderr.end();
        return { exitCode };
      },
      (e: unknown) => {
        stderr.end();
        throw connectionErrorOf(e);
      },
    );
  // Whoever awaits `exit` sees the rejection; this copy must not count as unhandled.
  exit.catch(() => undefined);

  let stopping: Promise<Termination> | undefined;
  const stop = async (): Promise<Termination> => {
    stopper.abort(new Error('The step was stopped.'));
    unpause();
    const finished = await exit.then(
      () => true,
      () => false,
    );
    // It finished on its own before the stop reached the host.
    if (finished) return 'graceful';
    if (stopOutcome !== undefined) return stopOutcome.shellDeleted ? 'killed' : 'incomplete';
    // The client did not get to stop it (the connection failed first): deleting the shell ends
    // whatever may still run in it, if the host answers at all.
    try {
      await client.deleteShell(AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
      return 'killed';
    } catch {
      return 'incomplete';
    }
  };

  return {
    exit,
    pause: () => {
      paused = true;
    },
    resume: unpause,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
};

/** PowerShell's stderr is CLIXML; people want the text. Bytes may split characters and documents. */
const clixmlToText = (onStderr: (chunk: Buffer) => void) => {
  const utf8 = new StringDecoder('utf8');
  const clixml = new ClixmlStderrDecoder();
  const emit = (text: string) => {
    if (text !== '') onStderr(Buffer.from(text, 'utf8'));
  };
  return {
    push: (chunk: Buffer) => {
      emit(clixml.push(utf8.write(chunk)));
    },
    end: () => {
      emit(clixml.push(utf8.end()) + clixml.end());
    },
  };
};

/** What a run knows about a WinRM target and its `winrm-password` credential. */
export interface WinRmTarget {
  address: string;
  port: number;
  winrm: WinrmOptions;
  username: string;
  domain?: string | undefined;
  password: string;
}

/** The client's options for a target: its transport, TLS trust and login. */
export const winrmClientOptionsOf = (target: WinRmTarget, requestTimeoutMs: number): WinRmClientOptions => {
  const { username, domain, password } = target;
  // NTLM carries the domain itself; Basic takes it in the user name, as Windows expects it.
  const auth =
    target.winrm.auth === 'ntlm'
      ? { kind: 'ntlm' as const, username, password, domain }
      : { kind: 'basic' as const, username: domain === undefined || /[\\@]/.test(username) ? username : `${domain}\\${username}`, password };
  return {
    host: target.address,
    port: target.port,
    scheme: target.winrm.transport,
    auth,
    tls: { verify: target.winrm.verifyTls, ca: target.winrm.caBundle },
    requestTimeoutMs,
  };
};

/**
 * Connects: a client for the target and its shell, created with the parameters as environment, so
 * an unreachable host or a refused login ends the host `unreachable` before any step starts. The
 * signal cancels connecting only.
 */
export const connectWinRmStepHost = async (options: WinRmClientOptions, env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<StepHost> => {
  const client = new WinRmClient(options);
  const host = winrmStepHost(client);
  try {
    await host.open(env, signal);
  } catch (e) {
    await client.close();
    throw e;
  }
  return host;
};
