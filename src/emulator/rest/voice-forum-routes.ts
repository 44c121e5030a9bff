/**
 * Voice channels and forums. Audio: `POST /channels/{channel_id}/audio` `{audio_url, text, status 0..3}`,
 * `PUT|DELETE /channels/{channel_id}/mic` (botpy api.py `update_audio`, `on_microphone`, `off_microphone`; botgo
 * audio.go), voice channels only. Threads: `GET|PUT /channels/{channel_id}/threads`, `GET|DELETE
 * /channels/{channel_id}/threads/{thread_id}` (botpy api.py `get_threads`, `post_thread`, ...), forum channels
 * only; a PUT answers `{task_id, create_time}` and the thread appears at once (the platform publishes it
 * asynchronously).
 */
import type { EmulatorRoute } from '../http-router.js';
import { platformTimestamp } from '../ids.js';
import { guildErrors } from './guild-errors.js';
import { requireChannel } from './guild-lookup.js';
import type { GuildWorld, WorldThread } from './guild-world.js';
import { isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';
import { ok, okEmpty, restRoute } from './rest-route.js';
import type { RestState } from './rest-state.js';

export function voiceForumRoutes(state: RestState, world: GuildWorld): EmulatorRoute[] {
  const channelOfType = (channelId: string, type: number) => {
    const channel = requireChannel(world, channelId);
    if (channel.type !== type) reject(guildErrors.wrongChannelType);
    return channel;
  };
  const threadView = (t: WorldThread) => ({
    guild_id: t.guildId,
    channel_id: t.channelId,
    author_id: t.author_id,
    thread_info: { thread_id: t.thread_id, title: t.title, content: t.content, date_time: t.date_time },
  });
  const findThread = (channelId: string, threadId: string): WorldThread => {
    channelOfType(channelId, 10007);
    const thread = world.threads.get(threadId);
    return thread && thread.channelId === channelId ? thread : reject(guildErrors.unknownThread);
  };

  return [
    restRoute(state, {
      method: 'POST',
      path: '/channels/{channel_id}/audio',
      handle: (ctx, [channelId = '']) => {
        channelOfType(channelId, 2);
        const body = ctx.body;
        if (!isJsonObject(body) || ![0, 1, 2, 3].includes(body.status as number)) reject(restErrors.badBody);
        if (body.status === 0 && !isNonEmptyString(body.audio_url)) reject(restErrors.badBody);
        world.audio.push({ channelId, body, at: ctx.now });
        return okEmpty();
      },
    }),
    restRoute(state, { method: 'PUT', path: '/channels/{channel_id}/mic', handle: (_ctx, [channelId = '']) => (channelOfType(channelId, 2), world.mic.add(channelId), okEmpty()) }),
    restRoute(state, { method: 'DELETE', path: '/channels/{channel_id}/mic', handle: (_ctx, [channelId = '']) => (channelOfType(channelId, 2), world.mic.delete(channelId), okEmpty()) }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/threads',
      handle: (_ctx, [channelId = '']) => {
        channelOfType(channelId, 10007);
        return ok({ threads: [...world.threads.values()].filter((t) => t.channelId === channelId).map(threadView), is_finish: 1 });
      },
    }),
    restRoute(state, {
      method: 'GET',
      path: '/channels/{channel_id}/threads/{thread_id}',
      handle: (_ctx, [channelId = '', threadId = '']) => ok({ thread: threadView(findThread(channelId, threadId)) }),
    }),
    restRoute(state, {
      method: 'PUT',
      path: '/channels/{channel_id}/threads',
      handle: (ctx, [channelId = '']) => {
        const channel = channelOfType(channelId, 10007);
        const body = ctx.body;
        if (!isJsonObject(body) || !isNonEmptyString(body.title) || !isNonEmptyString(body.content) || ![1, 2, 3, 4].includes(body.format as number)) {
          reject(restErrors.badBody);
        }
        const thread: WorldThread = {
          thread_id: world.nextId(),
          channelId,
          guildId: channel.guild_id,
          author_id: ctx.emu.botUser.id,
          title: body.title,
          content: body.content,
          format: body.format as number,
          date_time: platformTimestamp(ctx.now),
        };
        world.threads.set(thread.thread_id, thread);
        return ok({ task_id: world.nextId(), create_time: String(Math.floor(ctx.now / 1000)) });
      },
    }),
    restRoute(state, {
      method: 'DELETE',
      path: '/channels/{channel_id}/threads/{thread_id}',
      handle: (_ctx, [channelId = '', threadId = '']) => {
        findThread(channelId, threadId);
        world.threads.delete(threadId);
        return okEmpty();
      },
    }),
  ];
}
