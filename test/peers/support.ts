/**
 * Runs a peer SDK driver (test/peers/drivers/*.mjs) in a child process and reads its JSON-lines protocol. Each SDK
 * gets its own process: qq-official-bot swallows uncaught errors process-wide and neither SDK stops cleanly, so the
 * test ends them by killing the child (by its pid, nothing broader).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PeerLine {
  event: string;
  [key: string]: unknown;
}

export interface PeerProcess {
  readonly lines: readonly PeerLine[];
  /** stderr, for failure messages. */
  readonly stderr: () => string;
  /** Resolves with the first line (already seen or later) that matches. */
  waitForLine(match: (line: PeerLine) => boolean, timeoutMs?: number): Promise<PeerLine>;
  stop(): Promise<void>;
}

export function startPeer(driver: string, env: Record<string, string>): PeerProcess {
  const script = fileURLToPath(new URL(`./drivers/${driver}`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: PeerLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        lines.push(JSON.parse(text) as PeerLine);
      } catch {
        stderr += `(stdout, not protocol) ${text}\n`;
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`peer ${driver}: no matching line within ${timeoutMs} ms; lines: ${JSON.stringify(lines)}; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
