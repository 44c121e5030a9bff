import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const cli = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const recording = fileURLToPath(new URL('../fixtures/inspection/faults.jsonl', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Runs the built CLI; resolves once its output matches `pattern`. */
function run(args: string[]): { output: () => string; waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpExecArray>; exited: Promise<number | null> } {
  child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 20_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match;
      if (Date.now() > deadline || child?.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { output: () => output, waitFor, exited };
}

function firstMessage(url: string): Promise<{ kind: string; mode: string; history: unknown[] }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}ws`);
  return new Promise((resolve, reject) => {
    socket.once('message', (data) => {
      socket.close();
      resolve(JSON.parse(data.toString()) as { kind: string; mode: string; history: unknown[] });
    });
    socket.once('error', reject);
  });
}

describe('the inspector from the command line', () => {
  it('`npm start -- --inspect`: the demo prints the inspector URL, plays its faults, keeps running until Ctrl-C', async () => {
    const demo = run(['demo', '--inspect=0']);
    const url = (await demo.waitFor(/inspector\s+(http:\/\/127\.0\.0\.1:\d+\/)/))[1] as string;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('qq-bot-machine inspector');
    expect((await firstMessage(url)).mode).toBe('live');
    await demo.waitFor(/nothing lost, nothing duplicated/, 30_000);
    await demo.waitFor(/keeps running/);
    // still serving after the script
    expect((await fetch(url)).status).toBe(200);
    child?.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).not.toContain('demo-secret');
  }, 60_000);

  it('`qq-bot-machine inspect <recording.jsonl>` serves the replay page', async () => {
    const inspect = run(['inspect', recording, '--port', '0']);
    const url = (await inspect.waitFor(/inspector\s+(http:\/\/127\.0\.0\.1:\d+\/)/))[1] as string;
    expect((await fetch(`${url}app.js`)).status).toBe(200);
    const init = await firstMessage(url);
    expect(init).toMatchObject({ kind: 'init', mode: 'replay' });
    expect(init.history.length).toBeGreaterThan(50);
    child?.kill('SIGINT');
    expect(await inspect.exited).toBe(0);
  }, 30_000);

  it('`qq-bot-machine inspect` without a file prints its usage and exits 2', async () => {
    const inspect = run(['inspect']);
    expect(await inspect.exited).toBe(2);
    expect(inspect.output()).toContain('Usage: qq-bot-machine inspect <recording.jsonl>');
  });
});
