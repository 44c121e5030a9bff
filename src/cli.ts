#!/usr/bin/env node
/**
 * `qq-bot-machine <command>`:
 *   demo      the echo bot on the embedded emulator (what `npm start` runs)
 *   emulator  the local QQ platform emulator, standalone
 *   inspect   serve a page that replays a recordInspection() file
 */
const [command = 'demo', ...rest] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (command) {
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      process.exitCode = await runDemo(rest);
      return;
    }
    case 'emulator': {
      const { runEmulatorCli } = await import('./emulator/cli.js');
      await runEmulatorCli(rest);
      return;
    }
    case 'inspect': {
      const { runInspectCli } = await import('./inspector/cli.js');
      process.exitCode = await runInspectCli(rest);
      return;
    }
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(
        'Usage: qq-bot-machine <command>\n\n' +
          '  demo [--forever] [--inspect[=PORT]]\n' +
          '                     echo bot against the embedded emulator (or the real platform with QQ_BOT_APP_ID/QQ_BOT_SECRET);\n' +
          '                     --inspect serves the live inspector page (default port 7070) and keeps the bot running\n' +
          '  inspect <recording.jsonl> [--port N] [--host H]\n' +
          '                     a page that replays a recordInspection() file (see docs/inspect.md)\n' +
          '  emulator [options] the local QQ platform emulator; see `qq-bot-machine emulator --help`\n',
      );
      return;
    default:
      process.stderr.write(`Unknown command "${command}". Try: qq-bot-machine help\n`);
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
