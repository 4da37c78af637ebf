import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm start` serves the console from web/dist and rebuilds it when the sources changed since the
 * last build (a content hash, so a fresh clone, a pull or an edit all trigger it, and nothing else).
 */
const HASH_FILE = '.source-hash';
const LOCK_FILE = '.build.lock';
const STALE_LOCK_MS = 180_000;

/** Two stacks starting at once (parallel test suites) must not build into web/dist together. */
const withBuildLock = async <T>(webDir: string, work: () => Promise<T>): Promise<T> => {
  const lock = path.join(webDir, LOCK_FILE);
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name === LOCK_FILE ? [] : [full];
  });

export const webSourceHash = (webDir: string): string => {
  const hash = createHash('sha256');
  for (const file of sourceFiles(webDir).sort()) {
    hash.update(path.relative(webDir, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
};

export const ensureWebBuild = (webDir: string, log: (message: string) => void): Promise<string> =>
  withBuildLock(webDir, async () => {
    const outDir = path.join(webDir, 'dist');
    const hash = webSourceHash(webDir);
    const hashFile = path.join(outDir, HASH_FILE);
    if (existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) return outDir;
    log('Building the console (web/) …');
    const { build } = await import('vite');
    await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
    writeFileSync(hashFile, hash);
    return outDir;
  });
