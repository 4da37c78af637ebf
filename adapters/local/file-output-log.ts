import { type FileHandle, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest } from '../../core/errors';
import { idPattern } from '../../core/ids';
import type { OutputLog } from '../../core/ports/output-log';
import { ownerOnlyDir } from './crypto/key-files';

/**
 * S3's part on one machine: `<data>/runs/<runId>/<targetId>.log` (folders 0700, files 0600).
 * Appends go to `<targetId>.log.part` through one handle per host kept open until `finish`, which
 * flushes it to disk and renames it to `.log`: a log is readable only once it is complete, and a
 * reader never sees half of one. Ids are checked against their patterns, so no path can escape the
 * data folder.
 */
const RUN_ID = idPattern('run');
const TARGET_ID = idPattern('tgt');

const checkLogIds = (runId: string, targetId: string): void => {
  if (!RUN_ID.test(runId)) throw badRequest('The run id is not a run id (run_…).');
  if (!TARGET_ID.test(targetId)) throw badRequest('The target id is not a target id (tgt_…).');
};

const isErrno = (e: unknown, code: string): boolean => typeof e === 'object' && e !== null && 'code' in e && e.code === code;

/** One host being written: its open file, and the queue that keeps its appends in call order. */
interface HostLog {
  handle?: FileHandle;
  queue: Promise<void>;
  /** Set when an append failed: the log has a hole, so it is not completed. */
  failure?: unknown;
}

export const createFileOutputLog = (dataDir: string): OutputLog => {
  const hosts = new Map<string, HostLog>();
  const files = (runId: string, targetId: string) => {
    const dir = path.join(dataDir, 'runs', runId);
    return { part: path.join(dir, `${targetId}.log.part`), log: path.join(dir, `${targetId}.log`) };
  };

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
    if (finished) throw new Error(`The output log of ${targetId} in ${runId} is already finished.`);
    return open(part, 'a', 0o600);
  };

  return {
    // Everything up to the first await runs at the call, so calls queue in the order they were made.
    append: async (runId, targetId, data) => {
      checkLogIds(runId, targetId);
      const key = `${runId}/${targetId}`;
      let host = hosts.get(key);
      if (host === undefined) {
        host = { queue: Promise.resolve() };
        hosts.set(key, host);
      }
      const own = host;
      // Copied now: the write may wait behind earlier ones, and the caller may reuse its buffer.
      const bytes = Buffer.from(data);
      await enqueue(own, runId, targetId, async () => {
        own.handle ??= await openPart(runId, targetId);
        if (bytes.length > 0) await own.handle.appendFile(bytes);
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
        const { handle, failure } = host;
        if (handle !== undefined) {
          try {
            if (failure === undefined) await handle.sync();
          } finally {
            await handle.close();
          }
        }
        if (failure !== undefined) {
          await unlink(part).catch(() => undefined);
          throw failedEarlier(runId, targetId, failure);
        }
      }
      try {
        await rename(part, log);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
        // Nothing was appended (an empty log), or it was finished already (then this is a no-op).
        await ownerOnlyDir(await ownerOnlyDir(dataDir, 'runs'), runId);
        await writeFile(log, '', { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
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
