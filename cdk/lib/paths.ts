import path from 'node:path';

/** The repository root (cdk/lib → ../..). swc rewrites import.meta.dirname to __dirname under jest. */
export const projectRoot = path.resolve(import.meta.dirname, '../..');

export const fromRoot = (...segments: string[]): string => path.join(projectRoot, ...segments);
