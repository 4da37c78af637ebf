import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ConnectionError } from '../../../runner/connection-error';
import type { HostSession, RemoteExit, RemoteProcess, SpawnOptions } from '../../../runner/executor/types';

/**
 * A HostSession that runs commands on this machine with `sh -c`, as sshd runs them with the login
 * shell: the executor's real bootstrap, envelope and reaper, without a network. Environment sent
 * with a command reaches it only when `acceptEnv` allows the name (like OpenSSH's AcceptEnv; the
 * default accepts OPSC_*). `drop()` plays a lost connection. With `sessionLeader` each command's
 * shell leads a session of its own, as under sshd; otherwise it is in the test's process group (as
 * under an SSH server that does not call setsid()).
 */
export class LocalSession implements HostSession {
  readonly commands: string[] = [];
  /** The pid of each command's shell, in order. */
  readonly pids: number[] = [];
  pauses = 0;
  closed = false;
  private readonly running = new Set<(error: Error) => void>();

  constructor(private readonly opts: { acceptEnv?: (name: string) => boolean; sessionLeader?: boolean } = {}) {}

  spawn(command: string, opts: SpawnOptions): Promise<RemoteProcess> {
    if (this.closed) return Promise.reject(new ConnectionError('PROTOCOL', 'The connection to local was closed.'));
    if (opts.signal?.aborted) return Promise.reject(new Error('aborted'));
    this.commands.push(command);
    const accept = this.opts.acceptEnv ?? ((name: string) => name.startsWith('OPSC_'));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' };
    for (const [name, value] of Object.entries(opts.env ?? {})) if (accept(name)) env[name] = value;
    const child: ChildProcessWithoutNullStreams = spawn('sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: this.opts.sessionLeader === true });
    if (child.pid !== undefined) this.pids.push(child.pid);
    child.stdout.on('data', (chunk: Buffer) => {
      opts.onStdout(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      opts.onStderr(chunk);
    });
    child.stdin.on('error', () => undefined);
    if (opts.stdin !== undefined) child.stdin.write(opts.stdin);

    const exit = new Promise<RemoteExit>((resolve, reject) => {
      const lost = (error: Error) => {
        reject(error);
      };
      this.running.add(lost);
      child.on('close', (code, signal) => {
        this.running.delete(lost);
        child.stdin.destroy();
        resolve(signal === null ? { exitCode: code } : { exitCode: null, signal });
      });
    });
    exit.catch(() => undefined);
    return Promise.resolve({
      exit,
      signal: (name: string) => {
        child.kill(`SIG${name}` as NodeJS.Signals);
      },
      pause: () => {
        this.pauses += 1;
        child.stdout.pause();
        child.stderr.pause();
      },
      resume: () => {
        child.stdout.resume();
        child.stderr.resume();
      },
      close: () => {
        child.stdout.destroy();
        child.stderr.destroy();
        child.stdin.destroy();
      },
    });
  }

  /** Like a connection that went away: running commands' exits reject, new ones are refused. */
  drop(): void {
    this.closed = true;
    const error = new ConnectionError('PROTOCOL', 'The connection to local was lost.');
    for (const lost of this.running) lost(error);
    this.running.clear();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** Runs one command to the end and collects its output as text. */
export const runLocally = async (session: HostSession, command: string, opts: Omit<SpawnOptions, 'onStdout' | 'onStderr'> = {}) => {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const proc = await session.spawn(command, { ...opts, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
  const exit = await proc.exit;
  return { ...exit, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
};

/** Live (non-zombie) processes of a process group on this machine. */
export const liveInGroup = async (pgid: number): Promise<string[]> => {
  const session = new LocalSession();
  const { stdout } = await runLocally(session, `ps -A -o pgid= -o stat= -o args= | awk '$1 == ${pgid} && $2 !~ /^Z/'`);
  return stdout.split('\n').filter((l) => l.trim() !== '');
};
