/**
 * Finds what, in the docs the package ships, points at something the package does not ship: every "§" reference
 * (the protocol notes they point into are repository-only) and every relative Markdown link whose target is
 * missing or outside package.json `files`. Also lists source maps in dist/ whose `sources` point outside `files`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

export interface DocFinding {
  /** Repository-relative file. */
  file: string;
  line: number;
  kind: 'section-ref' | 'unshipped-link' | 'missing-link' | 'unshipped-source-map';
  text: string;
}

export function shippedPatterns(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files?: string[] };
  return (pkg.files ?? []).map((entry) => normalize(entry).replace(/[\\/]+$/, ''));
}

export function isShipped(path: string, files: string[]): boolean {
  const normalized = normalize(path);
  if (normalized === 'package.json') return true;
  return files.some((entry) => normalized === entry || normalized.startsWith(entry + sep));
}

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, keep) : keep(path) ? [path] : [];
  });
}

/** The shipped Markdown files: README.md and every .md under a shipped folder. */
export function shippedDocs(root: string): string[] {
  const files = shippedPatterns(root);
  const docs = files.flatMap((entry) => {
    const path = join(root, entry);
    if (!existsSync(path)) return [];
    return statSync(path).isDirectory() ? walk(path, (f) => f.endsWith('.md')) : entry.endsWith('.md') ? [path] : [];
  });
  return docs.map((path) => relative(root, path)).sort();
}

const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

export function scanDoc(root: string, file: string, files = shippedPatterns(root)): DocFinding[] {
  const findings: DocFinding[] = [];
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((content, index) => {
    const line = index + 1;
    for (const match of content.matchAll(/§\s?[\dA-Z][\d.]*/g)) findings.push({ file, line, kind: 'section-ref', text: match[0] });
    for (const match of content.matchAll(LINK)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = normalize(join(dirname(file), target.split('#')[0] ?? ''));
      if (path.startsWith('..')) findings.push({ file, line, kind: 'unshipped-link', text: target });
      else if (!isShipped(path, files)) findings.push({ file, line, kind: 'unshipped-link', text: target });
      else if (!existsSync(join(root, path))) findings.push({ file, line, kind: 'missing-link', text: target });
    }
  });
  return findings;
}

/** Source maps in shipped dist/ folders whose `sources` are not shipped (e.g. `../../src/bot.ts`). */
export function scanSourceMaps(root: string, files = shippedPatterns(root)): DocFinding[] {
  const maps = files.flatMap((entry) => walk(join(root, entry), (f) => f.endsWith('.js.map')));
  return maps.flatMap((path) => {
    const map = JSON.parse(readFileSync(path, 'utf8')) as { sources?: string[] };
    const file = relative(root, path);
    return (map.sources ?? [])
      .map((source) => normalize(join(dirname(file), source)))
      .filter((source) => !isShipped(source, files))
      .map((source) => ({ file, line: 0, kind: 'unshipped-source-map' as const, text: source }));
  });
}

/** "§" references in the shipped type declarations (TSDoc comments users read in their editor). */
export function scanDeclarations(root: string, files = shippedPatterns(root)): DocFinding[] {
  const declarations = files.flatMap((entry) => walk(join(root, entry), (f) => f.endsWith('.d.ts')));
  return declarations.flatMap((path) => scanDoc(root, relative(root, path), files).filter((f) => f.kind === 'section-ref'));
}

export function formatFindings(findings: DocFinding[]): string {
  const byFile = new Map<string, DocFinding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  return [...byFile.entries()].map(([file, list]) => `${file}: ${list.length}\n${list.map((f) => `  ${f.line}: ${f.kind} ${f.text}`).join('\n')}`).join('\n');
}
