import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm start` serves the console from web/dist and rebuilds it when the sources changed since the
 * last build (a content hash, so a fresh clone, a pull or an edit all trigger it, and nothing else).
 */
const HASH_FILE = '.source-hash';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return [full];
  });

export const webSourceHash = (webDir: string): string => {
  const hash = createHash('sha256');
  for (const file of sourceFiles(webDir).sort()) {
    hash.update(path.relative(webDir, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
};

export const ensureWebBuild = async (webDir: string, log: (message: string) => void): Promise<string> => {
  const outDir = path.join(webDir, 'dist');
  const hash = webSourceHash(webDir);
  const hashFile = path.join(outDir, HASH_FILE);
  if (existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) return outDir;
  log('Building the console (web/) …');
  const { build } = await import('vite');
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(hashFile, hash);
  return outDir;
};
