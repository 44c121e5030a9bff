#!/usr/bin/env node
/**
 * `qq-bot-machine <command>`:
 *   demo      the echo bot on the embedded emulator (what `npm start` runs)
 *   emulator  the local QQ platform emulator, standalone
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
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(
        'Usage: qq-bot-machine <command>\n\n' +
          '  demo [--forever]   echo bot against the embedded emulator (or the real platform with QQ_BOT_APP_ID/QQ_BOT_SECRET)\n' +
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
