import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface StartedStack {
  baseUrl: string;
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr), for assertions and canary greps. */
  output(): string;
  stop(): Promise<void>;
  /** Stop the process but keep the data folder (to restart on it). */
  kill(): Promise<void>;
  process: ChildProcess;
}

/**
 * Runs `npm start`'s program as a user would (a child process on a free loopback port with its
 * own data folder) and waits for it to say it is ready. `stop()` ends it and removes the folder.
 */
export const startLocalStack = async (opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<StartedStack> => {
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'opsc-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', OPSC_DATA_DIR: dataDir, LOG_LEVEL: 'INFO', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));

  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`local stack did not start in time:\n${out}`));
    }, 180_000);
    const onData = () => {
      const m = /OpsConductor is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${String(code)}:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    await kill();
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });

  return {
    baseUrl,
    dataDir,
    process: child,
    output: () => out,
    kill,
    stop: async () => {
      await kill();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
