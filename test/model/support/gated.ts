/** The machines the transition gate covers, and the machine files it does not. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { documentedMachines } from '../../../src/diagram.js';

export const gatedMachines = documentedMachines.map((entry) => entry.machine);

/** `machines/*.machine.ts` files missing from the gate (and from the docs' diagrams). */
export function ungatedMachineFiles(dir = join(import.meta.dirname, '../../../machines')): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.machine.ts') && !documentedMachines.some((entry) => entry.file === `machines/${name}`))
    .map((name) => `machines/${name}`);
}
