/**
 * The guild REST surface from a bot: find the guild and its channels, create a role and give it to the member who
 * asked, mute a spammer for ten minutes, pin the bot's answer, add a reaction, and put a meeting in the schedule
 * channel. Each call is typed; each fails with a `QQApiError` carrying the platform's code and trace id.
 */
import { fileURLToPath } from 'node:url';
import { firstValueFrom, mergeMap, take } from 'rxjs';
import { ChannelType, createBot, createDefaultLogger, QQApiError, type Bot, type BotEvent } from 'qq-bot-machine';
import { startEmulator } from 'qq-bot-machine/emulator';

export async function handleAdminCommand(bot: Bot, event: BotEvent<'AT_MESSAGE_CREATE'>): Promise<string[]> {
  const log: string[] = [];
  const { guild_id: guildId, channel_id: channelId, author } = event.data;
  const guild = await bot.api.getGuild(guildId);
  const channels = await bot.api.getChannels(guildId);
  log.push(`guild ${guild.name ?? guildId}: ${channels.length} channels`);

  const { role_id: roleId } = await bot.api.createGuildRole(guildId, { name: '活跃成员', hoist: 1 });
  await bot.api.addMemberRole(guildId, author.id, roleId);
  log.push(`role ${roleId} given to ${author.id}`);

  await bot.api.muteMember(guildId, author.id, { mute_seconds: 600 });
  log.push('muted for 10 min');

  const answer = await event.reply('已处理 ✅');
  await bot.api.pinMessage(channelId, answer.id);
  await bot.api.addReaction(channelId, answer.id, { type: 1, id: '4' });
  log.push(`pinned ${(await bot.api.getPins(channelId)).message_ids.length} message(s)`);

  const scheduleChannel = channels.find((c) => c.type === ChannelType.app);
  if (scheduleChannel) {
    const start = Date.now() + 3_600_000;
    const schedule = await bot.api.createSchedule(scheduleChannel.id, {
      name: '周会',
      start_timestamp: String(start),
      end_timestamp: String(start + 3_600_000),
      remind_type: '2',
    });
    log.push(`schedule ${schedule.id} created`);
  }
  try {
    await bot.api.getGuildMember(guildId, 'someone-who-left');
  } catch (error) {
    if (!(error instanceof QQApiError)) throw error;
    log.push(`not a member: HTTP ${error.status}, code ${error.platformCode}`);
  }
  return log;
}

export async function main(): Promise<string[]> {
  const emu = await startEmulator({ appId: '102000001', secret: 'example-secret' });
  const bot = createBot({
    appId: '102000001',
    secret: 'example-secret',
    intents: ['PUBLIC_GUILD_MESSAGES'],
    tokenUrl: emu.tokenUrl,
    apiBase: emu.apiBase,
    logger: createDefaultLogger({ level: 'silent' }),
  });
  // One command, handled once; in a long-running bot, catch each run's failure as the other examples do.
  const run = firstValueFrom(bot.on('AT_MESSAGE_CREATE').pipe(take(1), mergeMap((event) => handleAdminCommand(bot, event))));
  await bot.start();
  try {
    emu.guildAtMessage({ content: '/admin' });
    return await run;
  } finally {
    await bot.stop();
    await emu.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await main()).join('\n'));
