import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The WinRM test vectors (test/vectors/winrm, a verbatim copy of ../shared/test-vectors/winrm with
 * its licenses, so a clean checkout has them too).
 */
export const winrmVectorsDir = path.resolve(__dirname, '../vectors/winrm');

export const readWinrmVector = (...parts: string[]): Buffer => readFileSync(path.join(winrmVectorsDir, ...parts));

/** A JSON vector file; the caller states its shape with `as` (vector files are trusted test data). */
export const readWinrmVectorJson = (...parts: string[]): unknown => JSON.parse(readWinrmVector(...parts).toString('utf8'));
