/** Child processes of the benchmark: the emulator host and one client process at a time, both over IPC. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOST = fileURLToPath(new URL('./emulator-host.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('./client-runner.mjs', import.meta.url));

/** A message queue over a child's IPC channel: `next(type, timeoutMs)` resolves with the next message of that type. */
function inbox(child, name) {
  const queue = [];
  const waiters = [];
  let exited = null;
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  const settle = () => {
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i];
      const index = queue.findIndex((m) => m.type === waiter.type || m.type === 'error');
      if (index >= 0) {
        const [message] = queue.splice(index, 1);
        waiters.splice(i--, 1);
        clearTimeout(waiter.timer);
        if (message.type === 'error') waiter.reject(new Error(`${name}: ${message.message}`));
        else waiter.resolve(message);
      } else if (exited) {
        waiters.splice(i--, 1);
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${name} exited (${exited}) while waiting for ${waiter.type}${stderr ? `\n${stderr.slice(-2000)}` : ''}`));
      }
    }
  };
  child.on('message', (message) => {
    queue.push(message);
    settle();
  });
  child.on('exit', (code, signal) => {
    exited = signal ?? `code ${code}`;
    settle();
  });
  return {
    next(type, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const waiter = { type, resolve, reject };
        waiter.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${type}`));
        }, timeoutMs);
        waiters.push(waiter);
        settle();
      });
    },
    get exited() {
      return exited;
    },
    get stderr() {
      return stderr;
    },
  };
}

async function kill(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

let requestId = 0;

/** Starts bench/lib/emulator-host.mjs with the given emulator options; resolves once it listens. */
export async function startHost(options) {
  const child = fork(HOST, [JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  const box = inbox(child, 'emulator');
  const listening = await box.next('listening', 30_000);
  return {
    info: listening,
    async request(command, replyType, timeoutMs = 300_000) {
      const id = ++requestId;
      child.send({ ...command, id });
      return box.next(replyType, timeoutMs);
    },
    close: () => kill(child),
  };
}

/** Starts one client process: bench/lib/client-runner.mjs <adapter> <scenario> <params>. */
export function startClient(adapter, scenario, params, { cpuProfDir } = {}) {
  const execArgv = ['--expose-gc'];
  if (cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  // Debugging aid: BENCH_CLIENT_NODE_ARGS="--trace-gc" adds node flags to client processes and shows their stdout.
  const extra = process.env.BENCH_CLIENT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  execArgv.push(...extra);
  const stdout = extra.length > 0 ? 'inherit' : 'ignore';
  // Measuring aid: BENCH_CLIENT_EXEC=/path/to/wrapper runs client processes through a wrapper of node (for example
  // one that execs `valgrind --tool=callgrind node "$@"`, to count the client's instructions in a real run).
  const execPath = process.env.BENCH_CLIENT_EXEC || process.execPath;
  const child = fork(RUNNER, [adapter, scenario, JSON.stringify(params)], { stdio: ['ignore', stdout, 'pipe', 'ipc'], execArgv, execPath });
  const box = inbox(child, `${adapter} (${scenario})`);
  return {
    next: box.next,
    send: (message) => child.send(message),
    get stderr() {
      return box.stderr;
    },
    /** Asks the client to exit by itself (so --cpu-prof writes its profile); kills it otherwise. */
    async exitGracefully(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    close: () => kill(child),
  };
}

/**
 * Runs `script` in a child process that answers with one IPC message, then tells it to exit (it waits for the
 * string 'exit') and waits until it has: for the one-shot diagnostics (bench/shard-heap.mjs, bench/start-timeline.mjs).
 */
export async function forkForOneMessage(script, args, execArgv) {
  const child = fork(script, args, { execArgv });
  const message = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code} before answering`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('exit');
  await exited;
  return message;
}
