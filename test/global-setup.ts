import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the console once before any test starts a stack, so browser suites running in parallel
 * never build web/dist at the same moment.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'local/build-web.ts')], { cwd: root, stdio: 'inherit' });
}
