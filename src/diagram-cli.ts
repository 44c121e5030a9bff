/**
 * Writes the Mermaid diagrams of every machine to `docs/machines/` (or the directory given as the
 * first argument). Run as `npm run docs:machines`, which builds first.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderMachineDocs } from './diagram.js';

const outDir = resolve(process.argv[2] ?? 'docs/machines');
const files = renderMachineDocs();
mkdirSync(outDir, { recursive: true });
// a machine that was renamed or removed leaves no stale page behind
for (const name of readdirSync(outDir)) {
  if (name.endsWith('.md') && !files.has(name)) rmSync(join(outDir, name));
}
for (const [name, content] of files) writeFileSync(join(outDir, name), content);
console.log(`wrote ${files.size} files to ${outDir}`);
