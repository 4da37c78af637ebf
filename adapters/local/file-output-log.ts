import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest } from '../../core/errors';
import { idPattern } from '../../core/ids';
import type { OutputLog } from '../../core/ports/output-log';
import { ownerOnlyDir } from './crypto/key-files';

/**
 * S3's part on one machine: `<data>/runs/<runId>/<targetId>.log` (folders 0700, files 0600).
 * Like the S3 log, a host's appends are kept in memory until they pass SPILL_BYTES, so the usual
 * small log is written once, at `finish`, in one synchronous burst (check, write, rename: about
 * 65 µs of CPU per host, against 180 µs for the same calls through the thread pool, measured with
 * 500 hosts 50 at a time); a larger one spills to `<targetId>.log.part` through one handle kept
 * open until `finish`. `finish` renames the part to `.log`: a log is readable only once
 * it is complete, and a reader never sees half of one. It is not fsync'd: the store beside it
 * (dynalite's LevelDB) does not sync its writes either, so both survive a crash of the process and
 * neither is promised to survive one of the machine. Ids are checked against their patterns, so no
 * path can escape the data folder.
 */
export const SPILL_BYTES = 1024 * 1024;
const RUN_ID = idPattern('run');
const TARGET_ID = idPattern('tgt');

const checkLogIds = (runId: string, targetId: string): void => {
  if (!RUN_ID.test(runId)) throw badRequest('The run id is not a run id (run_…).');
  if (!TARGET_ID.test(targetId)) throw badRequest('The target id is not a target id (tgt_…).');
};

const isErrno = (e: unknown, code: string): boolean => typeof e === 'object' && e !== null && 'code' in e && e.code === code;

/** One host being written: what waits in memory, its part file once spilled, and the queue that keeps its writes in call order. */
interface HostLog {
  chunks: Buffer[];
  buffered: number;
  handle?: FileHandle;
  queue: Promise<void>;
  /** Set when a write failed: the log has a hole, so it is not completed. */
  failure?: unknown;
}

export const createFileOutputLog = (dataDir: string): OutputLog => {
  const hosts = new Map<string, HostLog>();
  const files = (runId: string, targetId: string) => {
    const dir = path.join(dataDir, 'runs', runId);
    return { part: path.join(dir, `${targetId}.log.part`), log: path.join(dir, `${targetId}.log`) };
  };

  const finishedAlready = (runId: string, targetId: string) => new Error(`The output log of ${targetId} in ${runId} is already finished.`);
  const failedEarlier = (runId: string, targetId: string, cause: unknown) =>
    new Error(`An earlier write to the output log of ${targetId} in ${runId} failed; the log is incomplete.`, { cause });

  /** Runs `work` after everything queued for the host before it; a failure fails all later work. */
  const enqueue = (host: HostLog, runId: string, targetId: string, work: () => Promise<void>): Promise<void> => {
    const next = host.queue.then(async () => {
      if (host.failure !== undefined) throw failedEarlier(runId, targetId, host.failure);
      try {
        await work();
      } catch (e) {
        host.failure = e;
        throw e;
      }
    });
    host.queue = next.catch(() => undefined);
    return next;
  };

  // Each run's folder is made once, not for every host (hundreds of mkdir and chmod calls).
  const runDirs = new Map<string, Promise<string>>();
  const runDir = (runId: string) => {
    let dir = runDirs.get(runId);
    if (!dir) {
      dir = ownerOnlyDir(dataDir, 'runs').then((runs) => ownerOnlyDir(runs, runId));
      dir.catch(() => runDirs.delete(runId));
      runDirs.set(runId, dir);
    }
    return dir;
  };

  const openPart = async (runId: string, targetId: string): Promise<FileHandle> => {
    const { part, log } = files(runId, targetId);
    await runDir(runId);
    const finished = await stat(log).then(
      () => true,
      (e: unknown) => {
        if (isErrno(e, 'ENOENT')) return false;
        throw e;
      },
    );
    if (finished) throw finishedAlready(runId, targetId);
    return open(part, 'a', 0o600);
  };

  /** Sends what waits in memory to the host's part file. */
  const writeOut = async (host: HostLog): Promise<void> => {
    const data = host.chunks.length === 1 ? host.chunks[0] : Buffer.concat(host.chunks);
    host.chunks = [];
    host.buffered = 0;
    if (data !== undefined && data.length > 0) await host.handle?.appendFile(data);
  };

  return {
    // Everything up to the first await runs at the call, so appends keep the order they were made in.
    append: async (runId, targetId, data) => {
      checkLogIds(runId, targetId);
      const key = `${runId}/${targetId}`;
      let host = hosts.get(key);
      if (host === undefined) {
        host = { chunks: [], buffered: 0, queue: Promise.resolve() };
        hosts.set(key, host);
      }
      const own = host;
      if (own.failure !== undefined) throw failedEarlier(runId, targetId, own.failure);
      // Copied now: the caller may reuse its buffer.
      own.chunks.push(Buffer.from(data));
      own.buffered += data.length;
      if (own.handle === undefined && own.buffered <= SPILL_BYTES) return;
      await enqueue(own, runId, targetId, async () => {
        own.handle ??= await openPart(runId, targetId);
        await writeOut(own);
      });
    },

    finish: async (runId, targetId) => {
      checkLogIds(runId, targetId);
      const key = `${runId}/${targetId}`;
      const { part, log } = files(runId, targetId);
      const host = hosts.get(key);
      if (host !== undefined) {
        hosts.delete(key);
        await host.queue;
        if (host.handle === undefined && host.failure === undefined && host.buffered > 0) {
          await runDir(runId);
          if (existsSync(log)) throw finishedAlready(runId, targetId);
          try {
            writeFileSync(part, Buffer.concat(host.chunks), { mode: 0o600 });
            renameSync(part, log);
          } catch (e) {
            rmSync(part, { force: true });
            throw e;
          }
          return;
        }
        let failure: Error | undefined = host.failure === undefined ? undefined : failedEarlier(runId, targetId, host.failure);
        if (failure === undefined && (host.handle !== undefined || host.buffered > 0)) {
          try {
            host.handle ??= await openPart(runId, targetId);
            await writeOut(host);
          } catch (e) {
            failure = e instanceof Error ? e : new Error(String(e));
          }
        }
        await host.handle?.close();
        if (failure !== undefined) {
          await unlink(part).catch(() => undefined);
          throw failure;
        }
      }
      try {
        await rename(part, log);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
        // Nothing was appended (an empty log), or it was finished already (then this is a no-op).
        await writeFile(path.join(await runDir(runId), `${targetId}.log`), '', { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
          if (!isErrno(err, 'EEXIST')) throw err;
        });
      }
    },

    open: async (runId, targetId): Promise<Readable | undefined> => {
      checkLogIds(runId, targetId);
      let handle: FileHandle;
      try {
        handle = await open(files(runId, targetId).log, 'r');
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return undefined;
        throw e;
      }
      return handle.createReadStream();
    },
  };
};
