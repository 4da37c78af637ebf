import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Key material the local stack keeps in the data folder (`identity/`, `vault/`): folders only
 * their owner can enter, files only their owner can read, made once and reused on every start.
 */
const isErrno = (e: unknown, code: string): boolean =>
  typeof e === 'object' && e !== null && 'code' in e && e.code === code;

export const ownerOnlyDir = async (dataDir: string, name: string): Promise<string> => {
  const dir = path.join(dataDir, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
};

/**
 * Write the new content under a temporary name and hard-link it into place: the link fails if
 * another process got there first (then theirs wins), and nobody ever reads a half-written file.
 */
const createOnce = async (file: string, content: string): Promise<void> => {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    await unlink(tmp);
  }
};

/** The file's content, made with `generate` when it does not exist yet; permissions are tightened to 0600. */
export const readOrCreateOwnerOnlyFile = async (file: string, generate: () => Promise<string>): Promise<string> => {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    await createOnce(file, await generate());
    content = await readFile(file, 'utf8');
  }
  // A file copied in with looser permissions is tightened rather than used as is.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return content;
};
