import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The Fargate runner's stand-in: one long-lived child process (local/runner-process.ts) that works
 * the batches the local state machine hands it, as a warm worker would. SSH work stays out of the
 * API's process, and a runner that dies is noticed the way AWS notices a dead task: every batch it
 * held fails with `Runner.Lost`, the state machine marks those hosts lost, and the next batch gets
 * a fresh process.
 */
export interface RunnerPool {
  /** Runs one batch with the environment a Fargate task would get (OPSC_BATCH). */
  run(env: Readonly<Record<string, string>>): Promise<unknown>;
  /** The worker's process id (tests kill it to prove lost hosts are noticed). */
  pid(): number | undefined;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  ready?: boolean;
  ok?: boolean;
  result?: unknown;
  error?: { name: string; message: string };
}

const errorNamed = (name: string, message: string) => Object.assign(new Error(message), { name });

export const startRunnerPool = (opts: { env: Readonly<Record<string, string>>; dataDir: string; onExit?: (why: string) => void }): RunnerPool => {
  const entry = path.resolve(import.meta.dirname, 'runner-process.ts');
  let child: ChildProcess | undefined;
  let ready: Promise<void> | undefined;
  let nextId = 1;
  let closing = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  const spawn = (): Promise<void> => {
    const proc = fork(entry, ['--data-dir', opts.dataDir], {
      // OPSC_RUNNER_PROF=<dir> profiles the runner (docs/performance.md).
      execArgv: ['--import', 'tsx', ...(process.env.OPSC_RUNNER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.OPSC_RUNNER_PROF}`] : [])],
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    child = proc;
    const started = new Promise<void>((resolve, reject) => {
      proc.on('message', (m: Reply) => {
        if (m.ready) {
          resolve();
          return;
        }
        const waiter = m.id === undefined ? undefined : pending.get(m.id);
        if (!waiter || m.id === undefined) return;
        pending.delete(m.id);
        if (m.ok) waiter.resolve(m.result);
        else waiter.reject(errorNamed('Runner.Failed', m.error?.message ?? 'The runner failed.'));
      });
      proc.once('exit', (code, signal) => {
        const why = `The runner process exited (${signal ?? `code ${String(code)}`}).`;
        if (child === proc) {
          child = undefined;
          ready = undefined;
        }
        reject(errorNamed('Runner.NotStarted', why));
        for (const [id, waiter] of pending) {
          pending.delete(id);
          waiter.reject(errorNamed('Runner.Lost', why));
        }
        if (!closing) opts.onExit?.(why);
      });
    });
    return started;
  };

  // Warm, as a runner worker should be: the first batch must not wait for the process to start.
  ready = spawn();
  ready.catch(() => undefined);

  return {
    run: async (env) => {
      ready ??= spawn();
      await ready;
      const proc = child;
      if (!proc) throw errorNamed('Runner.NotStarted', 'The runner process is not running.');
      const id = nextId++;
      const result = new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
      });
      proc.send({ id, env });
      return result;
    },
    pid: () => child?.pid,
    close: async () => {
      closing = true;
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => {
        resolve();
      }));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};
