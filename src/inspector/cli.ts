import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { serveRecording } from './index.js';

/** `qq-bot-machine inspect <recording.jsonl> [--port N] [--host H]`: serves the replay page until Ctrl-C. */
export async function runInspectCli(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string', default: '7071' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const file = positionals[0];
  if (values.help || !file) {
    out.write('Usage: qq-bot-machine inspect <recording.jsonl> [--port 7071] [--host 127.0.0.1]\n\nReplays a recordInspection() file in the browser: every machine, a time slider, step back / forward.\n');
    return file || values.help ? 0 : 2;
  }
  const server = await serveRecording(file, { port: Number(values.port), host: values.host, logger: pino({ level: 'silent' }) });
  out.write(`inspector  ${server.url}   replaying ${file} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  await server.close();
  return 0;
}
