import path from 'node:path';
import { ensureWebBuild } from './web-build';

/** `npm run build:web`: builds the console into web/dist when its sources changed, as `npm start` does. */
await ensureWebBuild(path.resolve(import.meta.dirname, '../web'), (line) => process.stdout.write(`${line}\n`));
